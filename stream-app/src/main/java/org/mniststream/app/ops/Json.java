package org.mniststream.app.ops;

import java.time.Instant;
import java.util.Collection;

/**
 * A minimal JSON writer (the app has no JSON library, and needs only to write a few documents).
 * Call {@code beginObject}, then {@code name(...)} followed by a value, and so on; commas are
 * placed automatically. Not thread-safe: one instance per document.
 */
public final class Json {
  private final StringBuilder out = new StringBuilder();
  private boolean needComma;

  public Json beginObject() {
    comma();
    out.append('{');
    needComma = false;
    return this;
  }

  public Json endObject() {
    out.append('}');
    needComma = true;
    return this;
  }

  public Json beginArray() {
    comma();
    out.append('[');
    needComma = false;
    return this;
  }

  public Json endArray() {
    out.append(']');
    needComma = true;
    return this;
  }

  /** The name of the next member; write its value right after. */
  public Json name(String name) {
    comma();
    quote(name);
    out.append(':');
    needComma = false;
    return this;
  }

  public Json value(String s) {
    comma();
    if (s == null) {
      out.append("null");
    } else {
      quote(s);
    }
    needComma = true;
    return this;
  }

  public Json value(Number n) {
    comma();
    if (n == null
        || (n instanceof Double d && !Double.isFinite(d))
        || (n instanceof Float f && !Float.isFinite(f))) {
      out.append("null");
    } else {
      out.append(n);
    }
    needComma = true;
    return this;
  }

  public Json value(boolean b) {
    comma();
    out.append(b);
    needComma = true;
    return this;
  }

  /** An instant as ISO-8601 text, or null. */
  public Json value(Instant t) {
    return value(t == null ? null : t.toString());
  }

  public Json nullValue() {
    comma();
    out.append("null");
    needComma = true;
    return this;
  }

  public Json strings(Collection<String> values) {
    beginArray();
    values.forEach(this::value);
    return endArray();
  }

  @Override
  public String toString() {
    return out.toString();
  }

  private void comma() {
    if (needComma) {
      out.append(',');
    }
  }

  private void quote(String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || c == '\u2028' || c == '\u2029') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
