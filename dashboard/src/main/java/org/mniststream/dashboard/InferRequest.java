package org.mniststream.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.mniststream.schemas.PixelEncoding;
import org.mniststream.schemas.json.JsonCodec;

/**
 * The body of {@code POST /v2/models/{name}/infer}: a request of the Open Inference Protocol
 * (KServe v2) with one input tensor holding one image, checked before anything is produced:
 *
 * <ul>
 *   <li>{@code UINT8}: 784 grayscale values 0-255 (0 = background), shape {@code [1,784]}, {@code
 *       [784]}, {@code [1,28,28]} or {@code [28,28]};
 *   <li>{@code FP32}: the same shapes, values in [0, 1], scaled to 0-255;
 *   <li>{@code BYTES}: shape {@code [1]}, one base64 PNG (a {@code data:image/png;base64,} prefix
 *       is tolerated), sent as a {@code PNG} image event of its own size.
 * </ul>
 *
 * {@code data} may be flat (row-major, as the protocol writes it) or nested. One image per request:
 * a batch dimension above 1 is refused.
 */
final class InferRequest {
  static final int MAX_BODY_BYTES = 2 * 1024 * 1024;
  static final int SIDE = 28;
  static final int PIXELS = SIDE * SIDE;
  private static final Set<List<Long>> TENSOR_SHAPES =
      Set.of(List.of(1L, 784L), List.of(784L), List.of(1L, 28L, 28L), List.of(28L, 28L));
  private static final String PNG_PREFIX = "data:image/png;base64,";

  static final StreamReadConstraints LIMITS =
      StreamReadConstraints.builder()
          .maxNestingDepth(10)
          .maxNameLength(64)
          .maxNumberLength(32)
          .maxStringLength(MAX_BODY_BYTES)
          .maxDocumentLength(MAX_BODY_BYTES)
          .build();

  private static final ObjectReader READER = JsonCodec.untrustedReader(LIMITS);

  private InferRequest() {}

  /** What to produce, and the request's {@code id} when it gave one. */
  record Inference(String id, String inputName, DrawRequest.DrawnImage image) {}

  /** A request the endpoint refuses (400), with a message for the caller. */
  static final class InvalidInferenceException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidInferenceException(String message) {
      super(message);
    }
  }

  static Inference parse(byte[] body) throws InvalidInferenceException {
    if (body == null || body.length == 0) {
      throw new InvalidInferenceException("empty body: send an inference request (JSON)");
    }
    if (body.length > MAX_BODY_BYTES) {
      throw new InvalidInferenceException("body larger than " + MAX_BODY_BYTES + " bytes");
    }
    JsonNode json;
    try {
      json = READER.readTree(new ByteArrayInputStream(body));
    } catch (IOException e) {
      throw new InvalidInferenceException(
          "malformed JSON: "
              + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
    }
    if (json == null || !json.isObject()) {
      throw new InvalidInferenceException("expected a JSON object with \"inputs\"");
    }
    String id = null;
    JsonNode idNode = json.get("id");
    if (idNode != null && !idNode.isNull()) {
      if (!idNode.isTextual()) {
        throw new InvalidInferenceException("\"id\" must be a string");
      }
      id = idNode.textValue();
    }
    JsonNode inputs = json.get("inputs");
    if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
      throw new InvalidInferenceException("\"inputs\" must be an array of one input tensor");
    }
    if (inputs.size() > 1) {
      throw new InvalidInferenceException(
          "expected one input tensor (the image), got " + inputs.size());
    }
    JsonNode input = inputs.get(0);
    if (!input.isObject()) {
      throw new InvalidInferenceException("an input tensor must be a JSON object");
    }
    String name = text(input, "name");
    String datatype = text(input, "datatype").toUpperCase(Locale.ROOT);
    List<Long> shape = shape(input.get("shape"));
    JsonNode data = input.get("data");
    if (data == null || !data.isArray()) {
      throw new InvalidInferenceException("input \"" + name + "\": \"data\" must be an array");
    }
    List<JsonNode> values = new ArrayList<>();
    flatten(data, values, 0);
    DrawRequest.DrawnImage image =
        switch (datatype) {
          case "UINT8", "FP32" -> tensor(name, datatype, shape, values);
          case "BYTES" -> png(name, shape, values);
          default ->
              throw new InvalidInferenceException(
                  "input \""
                      + name
                      + "\": datatype "
                      + datatype
                      + " is not accepted (UINT8, FP32 or BYTES)");
        };
    return new Inference(id, name, image);
  }

  private static String text(JsonNode input, String field) throws InvalidInferenceException {
    JsonNode node = input.get(field);
    if (node == null || !node.isTextual() || node.textValue().isBlank()) {
      throw new InvalidInferenceException("the input tensor needs a string \"" + field + "\"");
    }
    return node.textValue();
  }

  private static List<Long> shape(JsonNode node) throws InvalidInferenceException {
    if (node == null || !node.isArray() || node.isEmpty() || node.size() > 4) {
      throw new InvalidInferenceException("\"shape\" must be an array of 1 to 4 dimensions");
    }
    List<Long> dims = new ArrayList<>();
    for (JsonNode d : node) {
      if (!d.isIntegralNumber() || !d.canConvertToLong() || d.longValue() < 1) {
        throw new InvalidInferenceException("\"shape\" must hold positive integers, got " + node);
      }
      dims.add(d.longValue());
    }
    return dims;
  }

  private static void flatten(JsonNode node, List<JsonNode> into, int depth)
      throws InvalidInferenceException {
    for (JsonNode v : node) {
      if (v.isArray()) {
        if (depth >= 3) {
          throw new InvalidInferenceException("\"data\" is nested too deep");
        }
        flatten(v, into, depth + 1);
      } else {
        into.add(v);
      }
      if (into.size() > PIXELS) {
        throw new InvalidInferenceException(
            "\"data\" holds more than " + PIXELS + " values: one 28x28 image per request");
      }
    }
  }

  private static DrawRequest.DrawnImage tensor(
      String name, String datatype, List<Long> shape, List<JsonNode> values)
      throws InvalidInferenceException {
    if (!TENSOR_SHAPES.contains(shape)) {
      long batch = shape.get(0);
      if (shape.size() >= 2 && batch > 1) {
        throw new InvalidInferenceException(
            "batch of "
                + batch
                + ": this gateway infers one image per request (shape [1,784] or [1,28,28])");
      }
      throw new InvalidInferenceException(
          "input \""
              + name
              + "\": shape "
              + shape
              + " is not one 28x28 image ([1,784], [784], [1,28,28] or [28,28])");
    }
    if (values.size() != PIXELS) {
      throw new InvalidInferenceException(
          "input \"" + name + "\": shape " + shape + " needs 784 values, got " + values.size());
    }
    byte[] pixels = new byte[PIXELS];
    boolean uint8 = "UINT8".equals(datatype);
    for (int i = 0; i < PIXELS; i++) {
      JsonNode v = values.get(i);
      if (!v.isNumber()) {
        throw new InvalidInferenceException("value " + i + " is not a number: " + v);
      }
      int pixel;
      if (uint8) {
        if (!v.canConvertToExactIntegral() || !v.canConvertToInt()) {
          throw new InvalidInferenceException("UINT8 value " + i + " is not an integer: " + v);
        }
        pixel = v.intValue();
        if (pixel < 0 || pixel > 255) {
          throw new InvalidInferenceException(
              "UINT8 value " + i + " is " + pixel + ", outside 0-255");
        }
      } else {
        double d = v.doubleValue();
        if (!(d >= 0 && d <= 1)) {
          throw new InvalidInferenceException("FP32 value " + i + " is " + v + ", outside [0, 1]");
        }
        pixel = (int) Math.round(d * 255);
      }
      pixels[i] = (byte) pixel;
    }
    return new DrawRequest.DrawnImage(PixelEncoding.RAW_GRAY8, SIDE, SIDE, pixels, null);
  }

  private static DrawRequest.DrawnImage png(String name, List<Long> shape, List<JsonNode> values)
      throws InvalidInferenceException {
    if (!shape.equals(List.of(1L))) {
      throw new InvalidInferenceException(
          "input \"" + name + "\": a BYTES input is one PNG, shape [1], got " + shape);
    }
    if (values.size() != 1 || !values.get(0).isTextual()) {
      throw new InvalidInferenceException(
          "input \"" + name + "\": BYTES data must be one base64 PNG string");
    }
    String text = values.get(0).textValue().strip();
    if (text.regionMatches(true, 0, PNG_PREFIX, 0, PNG_PREFIX.length())) {
      text = text.substring(PNG_PREFIX.length());
    }
    byte[] png;
    try {
      png = Base64.getDecoder().decode(text.replaceAll("\\s+", ""));
    } catch (IllegalArgumentException e) {
      throw new InvalidInferenceException(
          "input \"" + name + "\": BYTES data is not valid base64: " + e.getMessage());
    }
    try {
      return DrawRequest.pngFile(png, null);
    } catch (DrawRequest.InvalidDrawException e) {
      throw new InvalidInferenceException("input \"" + name + "\": " + e.getMessage());
    }
  }
}
