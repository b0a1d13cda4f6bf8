package org.mniststream.cli;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.mniststream.schemas.AvroSerde;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.DeadLetterReason;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.PixelEncoding;

/**
 * A generator of malformed image events, one kind per dead-letter reason the stream app must give:
 * what production throws at a classifier on a shared event bus.
 */
final class MalformedEvents {
  /** One bad record and the reason its dead letter must carry. */
  record Bad(String kind, byte[] key, byte[] value, DeadLetterReason expected) {}

  /** Every kind, in a fixed order. */
  static final List<String> KINDS =
      List.of(
          "empty-value",
          "random-bytes",
          "truncated-avro",
          "unknown-fingerprint",
          "wrong-dimensions",
          "pixel-count-mismatch",
          "unknown-encoding",
          "png-does-not-decode",
          "huge-image",
          "null-key",
          "label-out-of-range");

  private final AvroSerde<ImageEvent> serde = ContractSerdes.imageEvent();
  private final Random random;

  MalformedEvents(long seed) {
    this.random = new Random(seed);
  }

  /** The {@code i}-th bad event of a run: kinds in rotation, event ids {@code prefix-bad-i}. */
  Bad next(String prefix, long i) {
    String kind = KINDS.get((int) (i % KINDS.size()));
    String id = prefix + "-bad-" + i;
    byte[] key = id.getBytes(StandardCharsets.UTF_8);
    return switch (kind) {
      case "empty-value" -> new Bad(kind, key, new byte[0], DeadLetterReason.EMPTY_VALUE);
      case "random-bytes" -> {
        byte[] b = new byte[16 + random.nextInt(200)];
        random.nextBytes(b);
        b[0] = 0x42; // never the single-object marker by accident
        yield new Bad(kind, key, b, DeadLetterReason.UNDECODABLE);
      }
      case "truncated-avro" -> {
        byte[] full = serde.encode(valid(id, 28, 28, new byte[784]).build());
        yield new Bad(
            kind,
            key,
            Arrays.copyOf(full, 10 + 1 + random.nextInt(full.length / 2)),
            DeadLetterReason.UNDECODABLE);
      }
      case "unknown-fingerprint" -> {
        byte[] b = serde.encode(valid(id, 28, 28, new byte[784]).build());
        for (int j = 2; j < 10; j++) {
          b[j] ^= (byte) 0x5A; // a header whose schema no reader knows
        }
        yield new Bad(kind, key, b, DeadLetterReason.UNKNOWN_SCHEMA);
      }
      case "wrong-dimensions" ->
          new Bad(
              kind,
              key,
              serde.encode(valid(id, 0, 28, new byte[0]).build()),
              DeadLetterReason.INVALID_DIMENSIONS);
      case "pixel-count-mismatch" ->
          new Bad(
              kind,
              key,
              serde.encode(valid(id, 28, 28, new byte[700]).build()),
              DeadLetterReason.PIXEL_COUNT_MISMATCH);
      case "unknown-encoding" ->
          new Bad(
              kind,
              key,
              serde.encode(
                  valid(id, 28, 28, new byte[784]).setEncoding(PixelEncoding.UNKNOWN).build()),
              DeadLetterReason.UNKNOWN_ENCODING);
      case "png-does-not-decode" -> {
        byte[] png = {
          (byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R', 1
        };
        yield new Bad(
            kind,
            key,
            serde.encode(valid(id, 28, 28, png).setEncoding(PixelEncoding.PNG).build()),
            DeadLetterReason.PNG_DECODE_FAILED);
      }
      case "huge-image" ->
          new Bad(
              kind,
              key,
              serde.encode(valid(id, 100_000, 100_000, new byte[16]).build()),
              DeadLetterReason.IMAGE_TOO_LARGE);
      case "null-key" ->
          new Bad(
              kind,
              null,
              serde.encode(valid(id, 28, 28, new byte[784]).build()),
              DeadLetterReason.MISSING_KEY);
      case "label-out-of-range" ->
          new Bad(
              kind,
              key,
              serde.encode(
                  valid(id, 28, 28, new byte[784]).setLabel(10 + random.nextInt(90)).build()),
              DeadLetterReason.INVALID_LABEL);
      default -> throw new IllegalStateException(kind);
    };
  }

  private static ImageEvent.Builder valid(String id, int height, int width, byte[] pixels) {
    return ImageEvent.newBuilder()
        .setEventId(id)
        .setSource("malformed-generator")
        .setEventTime(Instant.now())
        .setHeight(height)
        .setWidth(width)
        .setEncoding(PixelEncoding.RAW_GRAY8)
        .setPixels(ByteBuffer.wrap(pixels))
        .setLabel(null)
        .setAttributes(Map.of());
  }
}
