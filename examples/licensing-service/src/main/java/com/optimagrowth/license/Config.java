package com.optimagrowth.license;

import java.util.List;
import java.util.Map;
import java.util.logging.Level;

/**
 * Runtime configuration, read from environment variables only: nothing environment-specific is
 * baked into the image. Invalid values stop the service at start with a message naming the variable.
 */
public record Config(int port, String profile, String databaseUrl, Level logLevel) {

  static final List<String> LOG_LEVELS = List.of("DEBUG", "INFO", "WARN", "ERROR");

  public static Config fromEnvironment(Map<String, String> env) {
    int port = parsePort(env.getOrDefault("PORT", "8080"));
    String profile = env.getOrDefault("APP_PROFILE", "default").trim();
    if (!profile.matches("[a-z0-9-]{1,40}")) {
      throw new IllegalArgumentException(
          "APP_PROFILE: got '" + profile + "'; expected lowercase letters, digits and '-' (1-40)");
    }
    String databaseUrl = env.getOrDefault("DATABASE_URL", "").trim();
    if (!databaseUrl.isEmpty() && !databaseUrl.startsWith("jdbc:")) {
      throw new IllegalArgumentException("DATABASE_URL: expected a jdbc: URL");
    }
    String level = env.getOrDefault("LOG_LEVEL", "INFO").trim().toUpperCase();
    if (!LOG_LEVELS.contains(level)) {
      throw new IllegalArgumentException(
          "LOG_LEVEL: got '" + level + "'; expected one of " + String.join(", ", LOG_LEVELS));
    }
    return new Config(port, profile, databaseUrl, toJulLevel(level));
  }

  private static int parsePort(String text) {
    try {
      int port = Integer.parseInt(text.trim());
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("PORT: got '" + text + "'; expected an integer 0-65535");
  }

  private static Level toJulLevel(String level) {
    return switch (level) {
      case "DEBUG" -> Level.FINE;
      case "WARN" -> Level.WARNING;
      case "ERROR" -> Level.SEVERE;
      default -> Level.INFO;
    };
  }

  /** The database URL without credentials, for logs. */
  public String databaseUrlForLog() {
    return databaseUrl.isEmpty() ? "(none: in-memory data)" : databaseUrl.replaceAll("//[^@/]*@", "//***@");
  }
}
