package com.optimagrowth.license;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Runtime configuration, read from environment variables only: nothing environment-specific is
 * baked into the image. An invalid value stops the service at start with a message naming the
 * variable, the value and what was expected.
 */
public record Config(int port, String profile, String databaseUrl, Log.Level logLevel) {

  public static Config fromEnvironment(Map<String, String> env) {
    int port = parsePort(env.getOrDefault("PORT", "8080"));
    String profile = env.getOrDefault("APP_PROFILE", "default").trim();
    if (!profile.matches("[a-z0-9-]{1,40}")) {
      throw new IllegalArgumentException(
          "APP_PROFILE: got '" + profile + "'; expected lowercase letters, digits and '-' (1-40)");
    }
    String databaseUrl = env.getOrDefault("DATABASE_URL", "").trim();
    if (!databaseUrl.isEmpty() && !databaseUrl.matches("jdbc:[a-z0-9]+:\\S+")) {
      throw new IllegalArgumentException(
          "DATABASE_URL: got '" + redact(databaseUrl) + "'; expected a jdbc: URL such as jdbc:postgresql://db:5432/ostock");
    }
    return new Config(port, profile, databaseUrl, parseLevel(env.getOrDefault("LOG_LEVEL", "INFO")));
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

  private static Log.Level parseLevel(String text) {
    try {
      return Log.Level.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("LOG_LEVEL: got '" + text + "'; expected one of "
          + Arrays.stream(Log.Level.values()).map(Enum::name).collect(Collectors.joining(", ")));
    }
  }

  /** A URL without the credentials it may carry (user:password@ or password= parameters). */
  static String redact(String url) {
    return url.replaceAll("//[^@/]*@", "//***@").replaceAll("(?i)(password=)[^&;]*", "$1***");
  }

  /** The database URL as logs may show it. */
  public String databaseUrlForLog() {
    return databaseUrl.isEmpty() ? "(none: in-memory data)" : redact(databaseUrl);
  }
}
