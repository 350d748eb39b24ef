package com.optimagrowth.license;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The licensing service: an HTTP server configured from the environment, logging to stdout, that
 * shuts down gracefully on SIGTERM (readiness goes DOWN, requests in flight finish, then it exits).
 */
public final class LicensingApplication {
  /** How long requests in flight may take to finish after SIGTERM. */
  static final int DRAIN_SECONDS = 2;

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(8);
  private final AtomicBoolean up = new AtomicBoolean(false);

  public LicensingApplication(Config config, LicenseRepository repository) throws IOException {
    server = HttpServer.create(new InetSocketAddress(config.port()), 0);
    server.createContext("/", new NotFoundHandler());
    server.createContext("/v1/organization/", new LicenseHandler(repository, config.profile()));
    server.createContext(HealthHandler.PATH, new HealthHandler(up::get));
    server.setExecutor(executor);
  }

  /** Starts serving; returns the port (useful with PORT=0). */
  public int start() {
    server.start();
    up.set(true);
    return server.getAddress().getPort();
  }

  public boolean isUp() {
    return up.get();
  }

  /** Readiness DOWN first, then stop accepting, let requests in flight finish, release the threads. */
  public void stop(int drainSeconds) {
    up.set(false);
    server.stop(drainSeconds);
    executor.shutdown();
    try {
      if (!executor.awaitTermination(drainSeconds, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  public static void main(String[] args) throws IOException {
    Config config;
    try {
      config = Config.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      Log.error("invalid configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    Log.setLevel(config.logLevel());
    LicensingApplication app = new LicensingApplication(config, LicenseRepository.sample());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      Log.info("shutting down: readiness DOWN, draining requests for up to " + DRAIN_SECONDS + " s");
      app.stop(DRAIN_SECONDS);
      Log.info("stopped");
    }, "shutdown"));
    int port = app.start();
    Log.info("licensing-service listening on port " + port + ", profile " + config.profile()
        + ", database " + config.databaseUrlForLog() + ", log level " + config.logLevel());
  }
}
