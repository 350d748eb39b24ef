package com.optimagrowth.license;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.function.BooleanSupplier;

/** GET /actuator/health: readiness, {"status":"UP"} or 503 {"status":"DOWN"} while shutting down. */
public final class HealthHandler implements HttpHandler {
  private final BooleanSupplier up;

  public HealthHandler(BooleanSupplier up) {
    this.up = up;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    LicenseHandler.send(exchange, respond(exchange.getRequestMethod()));
  }

  LicenseHandler.Response respond(String method) {
    if (!"GET".equals(method) && !"HEAD".equals(method)) {
      return new LicenseHandler.Response(405, Json.error(405, "method " + method + " not allowed; use GET"));
    }
    return up.getAsBoolean()
        ? new LicenseHandler.Response(200, "{\"status\":\"UP\"}")
        : new LicenseHandler.Response(503, "{\"status\":\"DOWN\"}");
  }
}
