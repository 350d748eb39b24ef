package com.optimagrowth.license;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/** The licensing service: an HTTP server configured from the environment, logging to stdout. */
public final class LicensingApplication {
  private static final Logger LOG = Logger.getLogger(LicensingApplication.class.getName());

  private final HttpServer server;
  private final AtomicBoolean up = new AtomicBoolean(false);

  public LicensingApplication(Config config, LicenseRepository repository) throws IOException {
    server = HttpServer.create(new InetSocketAddress(config.port()), 0);
    server.createContext("/v1/organization/", new LicenseHandler(repository, config.profile()));
    server.createContext("/actuator/health", new HealthHandler(up::get));
    server.setExecutor(Executors.newFixedThreadPool(8));
  }

  public int start() {
    server.start();
    up.set(true);
    return server.getAddress().getPort();
  }

  public void stop() {
    up.set(false);
    server.stop(1);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  public static void main(String[] args) throws IOException {
    Config config;
    try {
      config = Config.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("licensing-service: invalid configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    configureLogging(config.logLevel());
    LicensingApplication app = new LicensingApplication(config, LicenseRepository.sample());
    int port = app.start();
    LOG.info(() -> "licensing-service listening on port " + port + ", profile " + config.profile()
        + ", database " + config.databaseUrlForLog());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      LOG.info("licensing-service shutting down");
      app.stop();
    }));
  }

  private static void configureLogging(Level level) {
    System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tLZ %4$s %3$s: %5$s%6$s%n");
    Logger root = Logger.getLogger("");
    for (var handler : root.getHandlers()) {
      root.removeHandler(handler);
    }
    ConsoleHandler stdout = new ConsoleHandler() {
      {
        setOutputStream(System.out);
      }
    };
    stdout.setFormatter(new SimpleFormatter());
    stdout.setLevel(level);
    root.addHandler(stdout);
    root.setLevel(level);
  }
}
