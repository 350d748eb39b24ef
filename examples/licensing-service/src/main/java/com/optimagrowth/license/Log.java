package com.optimagrowth.license;

import java.io.PrintStream;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Log lines on stdout, one per event: {@code <UTC time> <LEVEL> <message>}. Deliberately not
 * java.util.logging, whose shutdown hook closes its handlers while ours still has lines to write.
 */
public final class Log {
  /** The levels LOG_LEVEL accepts, lowest first. */
  public enum Level { DEBUG, INFO, WARN, ERROR }

  private static volatile Level threshold = Level.INFO;
  private static volatile PrintStream out = System.out;

  private Log() {}

  public static void setLevel(Level level) {
    threshold = level;
  }

  /** Where lines go (stdout unless a test says otherwise). */
  static void setOutput(PrintStream stream) {
    out = stream;
  }

  public static boolean enabled(Level level) {
    return level.ordinal() >= threshold.ordinal();
  }

  public static void debug(Supplier<String> message) {
    if (enabled(Level.DEBUG)) {
      write(Level.DEBUG, message.get());
    }
  }

  public static void info(String message) {
    write(Level.INFO, message);
  }

  public static void warn(String message) {
    write(Level.WARN, message);
  }

  public static void error(String message) {
    write(Level.ERROR, message);
  }

  private static void write(Level level, String message) {
    if (!enabled(level)) {
      return;
    }
    PrintStream stream = out;
    synchronized (stream) {
      stream.println(Instant.now() + " " + level + " " + message.replace('\n', ' '));
      stream.flush();
    }
  }
}
