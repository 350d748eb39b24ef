package com.optimagrowth.license;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LogTest {
  final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  @AfterEach
  void restore() {
    Log.setOutput(System.out);
    Log.setLevel(Log.Level.INFO);
  }

  @Test
  void writesOneLinePerEventAtOrAboveTheLevel() {
    Log.setOutput(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    Log.setLevel(Log.Level.WARN);
    Log.debug(() -> "not shown");
    Log.info("not shown either");
    Log.warn("disk almost full\nsecond line");
    Log.error("gone");
    String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
    assertEquals(2, lines.length);
    assertTrue(lines[0].matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z WARN disk almost full second line"), lines[0]);
    assertTrue(lines[1].endsWith(" ERROR gone"), lines[1]);
  }
}
