package com.optimagrowth.license;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigTest {
  @Test
  void defaultsWhenNothingIsSet() {
    Config config = Config.fromEnvironment(Map.of());
    assertEquals(8080, config.port());
    assertEquals("default", config.profile());
    assertEquals("", config.databaseUrl());
    assertEquals(Log.Level.INFO, config.logLevel());
    assertEquals("(none: in-memory data)", config.databaseUrlForLog());
  }

  @Test
  void readsEveryVariable() {
    Config config = Config.fromEnvironment(Map.of(
        "PORT", "9090",
        "APP_PROFILE", "prod",
        "DATABASE_URL", "jdbc:postgresql://user:pw@db:5432/ostock",
        "LOG_LEVEL", "debug"));
    assertEquals(9090, config.port());
    assertEquals("prod", config.profile());
    assertEquals("jdbc:postgresql://user:pw@db:5432/ostock", config.databaseUrl());
    assertEquals(Log.Level.DEBUG, config.logLevel());
  }

  @ParameterizedTest(name = "{0}={1} is refused: {2}")
  @CsvSource(delimiter = '|', value = {
    "PORT         | http                       | PORT: got 'http'; expected an integer 0-65535",
    "PORT         | 65536                      | PORT: got '65536'; expected an integer 0-65535",
    "PORT         | -1                         | PORT: got '-1'; expected an integer 0-65535",
    "APP_PROFILE  | Prod!                      | APP_PROFILE: got 'Prod!'; expected lowercase letters, digits and '-' (1-40)",
    "LOG_LEVEL    | LOUD                       | LOG_LEVEL: got 'LOUD'; expected one of DEBUG, INFO, WARN, ERROR",
    "DATABASE_URL | postgres://u:secret@db/x   | DATABASE_URL: got 'postgres://***@db/x'; expected a jdbc: URL",
  })
  void refusesBadValuesNamingTheVariableAndTheValue(String variable, String value, String message) {
    var error = assertThrows(IllegalArgumentException.class, () -> Config.fromEnvironment(Map.of(variable, value)));
    assertTrue(error.getMessage().startsWith(message), error.getMessage());
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
    "jdbc:postgresql://user:pw@db:5432/ostock           | jdbc:postgresql://***@db:5432/ostock",
    "jdbc:postgresql://db/ostock?user=u&password=s3cret | jdbc:postgresql://db/ostock?user=u&password=***",
    "jdbc:h2:mem:ostock                                 | jdbc:h2:mem:ostock",
  })
  void neverLogsCredentials(String url, String shown) {
    Config config = Config.fromEnvironment(Map.of("DATABASE_URL", url));
    assertEquals(shown, config.databaseUrlForLog());
    assertFalse(config.databaseUrlForLog().contains("s3cret"));
  }
}
