package com.optimagrowth.license;

import com.optimagrowth.license.Responses.Response;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;

/** Every path no other handler serves: a JSON 404 (not the server's HTML page). */
final class NotFoundHandler implements HttpHandler {
  @Override
  public void handle(HttpExchange exchange) throws IOException {
    Responses.send(exchange, Response.error(404, "no such resource: " + exchange.getRequestURI().getPath()));
  }
}
