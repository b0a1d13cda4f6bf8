package org.mniststream.schemas.framing;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a contract value is framed on a topic. Readers accept both whatever the setting (the first
 * byte tells them apart); the setting decides what writers write.
 */
public enum ValueFormat {
  /** Avro single-object encoding: {@code C3 01}, the CRC-64 fingerprint, the datum. No registry. */
  SINGLE_OBJECT("single-object"),
  /** Confluent's wire format: {@code 00}, a 4-byte big-endian schema id, the datum. Registry. */
  CONFLUENT("confluent");

  private final String configName;

  ValueFormat(String configName) {
    this.configName = configName;
  }

  /** The spelling in configuration ({@code value.format=confluent}). */
  public String configName() {
    return configName;
  }

  /** Parses a configured value, or refuses it in one line that lists the accepted ones. */
  public static ValueFormat parse(String key, String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    for (ValueFormat f : values()) {
      if (f.configName.equals(v)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        key
            + " must be "
            + Arrays.stream(values()).map(f -> f.configName).collect(Collectors.joining(" or "))
            + ", got '"
            + value
            + "'");
  }
}
