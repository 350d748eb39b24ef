package com.optimagrowth.license;

import com.optimagrowth.license.Responses.Response;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.util.function.BooleanSupplier;

/** GET /actuator/health: readiness, {"status":"UP"}, or 503 {"status":"DOWN"} while shutting down. */
public final class HealthHandler implements HttpHandler {
  static final String PATH = "/actuator/health";

  private final BooleanSupplier up;

  public HealthHandler(BooleanSupplier up) {
    this.up = up;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    Responses.send(exchange, respond(exchange.getRequestMethod(), exchange.getRequestURI().getPath()));
  }

  Response respond(String method, String path) {
    if (!PATH.equals(path)) {
      return Response.error(404, "no such resource: " + path);
    }
    if (!Responses.readMethod(method)) {
      return Responses.methodNotAllowed(method);
    }
    return up.getAsBoolean()
        ? new Response(200, "{\"status\":\"UP\"}")
        : new Response(503, "{\"status\":\"DOWN\"}");
  }
}
