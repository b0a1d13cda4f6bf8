package org.mniststream.dashboard;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A tiny streaming JSON writer: names, values and nesting, commas placed for the caller. Strings
 * are escaped by {@link #quote}; non-finite doubles are written as {@code null}. Not thread-safe.
 *
 * <p>Why no JSON library: the dashboard's documents are small and fixed, and the product keeps its
 * runtime classpath to Kafka, Avro and logging.
 */
final class Json {
  private final StringBuilder out;
  // One flag per open container: whether the next element needs a comma before it.
  private boolean[] needsComma = new boolean[16];
  private int depth;
  private boolean afterName;

  Json() {
    this(new StringBuilder(256));
  }

  Json(StringBuilder out) {
    this.out = out;
  }

  /** The JSON string literal of {@code s}, quotes included; {@code null} gives {@code null}. */
  static String quote(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder sb = new StringBuilder(s.length() + 2);
    appendQuoted(sb, s);
    return sb.toString();
  }

  /**
   * Escapes {@code "} and {@code \}, every control character, the JavaScript line separators
   * U+2028/U+2029, and {@code <} so that a document can never close an HTML {@code <script>}.
   */
  static void appendQuoted(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        case '\b' -> sb.append("\\b");
        case '\f' -> sb.append("\\f");
        default -> {
          if (c < 0x20 || c == '<' || c == '\u2028' || c == '\u2029' || c == 0x7f) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  Json beginObject() {
    separate();
    out.append('{');
    push();
    return this;
  }

  Json endObject() {
    pop();
    out.append('}');
    return this;
  }

  Json beginArray() {
    separate();
    out.append('[');
    push();
    return this;
  }

  Json endArray() {
    pop();
    out.append(']');
    return this;
  }

  Json name(String name) {
    separate();
    appendQuoted(out, name);
    out.append(':');
    afterName = true;
    return this;
  }

  Json value(String s) {
    separate();
    if (s == null) {
      out.append("null");
    } else {
      appendQuoted(out, s);
    }
    return this;
  }

  Json value(long v) {
    separate();
    out.append(v);
    return this;
  }

  Json value(double v) {
    separate();
    if (Double.isFinite(v)) {
      // Whole numbers without ".0", so counts stay counts.
      if (v == Math.rint(v) && Math.abs(v) < 1e15) {
        out.append((long) v);
      } else {
        out.append(v);
      }
    } else {
      out.append("null");
    }
    return this;
  }

  Json value(boolean v) {
    separate();
    out.append(v);
    return this;
  }

  /** A boxed number, or {@code null}. */
  Json value(Number v) {
    if (v == null) {
      return nullValue();
    }
    if (v instanceof Double || v instanceof Float) {
      return value(v.doubleValue());
    }
    if (v instanceof BigDecimal d) {
      separate();
      out.append(d.toString());
      return this;
    }
    return value(v.longValue());
  }

  /** ISO-8601 text, or {@code null}. */
  Json value(Instant t) {
    return value(t == null ? null : t.toString());
  }

  Json nullValue() {
    separate();
    out.append("null");
    return this;
  }

  /**
   * Writes a tree as {@link JsonReader} returns it: {@code Map}, {@code List}, {@code String},
   * {@code Number}, {@code Boolean} or {@code null}.
   */
  Json tree(Object node) {
    if (node == null) {
      return nullValue();
    }
    if (node instanceof Map<?, ?> map) {
      beginObject();
      map.forEach((k, v) -> name(String.valueOf(k)).tree(v));
      return endObject();
    }
    if (node instanceof List<?> list) {
      beginArray();
      list.forEach(this::tree);
      return endArray();
    }
    if (node instanceof String s) {
      return value(s);
    }
    if (node instanceof Number n) {
      return value(n);
    }
    if (node instanceof Boolean b) {
      return value(b.booleanValue());
    }
    throw new IllegalArgumentException("not a JSON tree node: " + node.getClass());
  }

  @Override
  public String toString() {
    return out.toString();
  }

  private void separate() {
    if (afterName) {
      afterName = false;
      return;
    }
    if (depth > 0) {
      if (needsComma[depth - 1]) {
        out.append(',');
      }
      needsComma[depth - 1] = true;
    }
  }

  private void push() {
    if (depth == needsComma.length) {
      needsComma = java.util.Arrays.copyOf(needsComma, depth * 2);
    }
    needsComma[depth++] = false;
  }

  private void pop() {
    if (depth == 0) {
      throw new IllegalStateException("no open object or array");
    }
    depth--;
  }
}
