package com.optimagrowth.license;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;

class ConfigTest {
  @Test
  void defaultsWhenNothingIsSet() {
    Config config = Config.fromEnvironment(Map.of());
    assertEquals(8080, config.port());
    assertEquals("default", config.profile());
    assertEquals(Level.INFO, config.logLevel());
  }

  @Test
  void readsEveryVariable() {
    Config config = Config.fromEnvironment(Map.of(
        "PORT", "9090", "APP_PROFILE", "prod", "DATABASE_URL", "jdbc:postgresql://user:pw@db/ostock", "LOG_LEVEL", "debug"));
    assertEquals(9090, config.port());
    assertEquals("prod", config.profile());
    assertEquals(Level.FINE, config.logLevel());
    assertEquals("jdbc:postgresql://***@db/ostock", config.databaseUrlForLog());
  }

  @Test
  void refusesBadValuesNamingTheVariable() {
    var port = assertThrows(IllegalArgumentException.class, () -> Config.fromEnvironment(Map.of("PORT", "http")));
    assertTrue(port.getMessage().startsWith("PORT: got 'http'"));
    var level = assertThrows(IllegalArgumentException.class, () -> Config.fromEnvironment(Map.of("LOG_LEVEL", "LOUD")));
    assertTrue(level.getMessage().startsWith("LOG_LEVEL"));
    var db = assertThrows(IllegalArgumentException.class, () -> Config.fromEnvironment(Map.of("DATABASE_URL", "postgres://x")));
    assertTrue(db.getMessage().startsWith("DATABASE_URL"));
  }
}
