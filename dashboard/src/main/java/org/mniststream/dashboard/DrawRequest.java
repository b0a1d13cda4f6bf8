package org.mniststream.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.mniststream.schemas.PixelEncoding;
import org.mniststream.schemas.json.JsonCodec;

/**
 * The body of {@code POST /api/draw}, checked before anything is produced. Accepted:
 *
 * <ul>
 *   <li>a JSON array of grayscale pixels (0 = background, 255 = ink), 28x28 or 280x280, flat
 *       row-major or as an array of rows: sent as {@code RAW_GRAY8} of that size;
 *   <li>a PNG data URL ({@code data:image/png;base64,...}, what {@code canvas.toDataURL()} gives),
 *       as the whole body or as JSON {@code {"dataUrl": "..."}}: sent as {@code PNG}, unchanged;
 *   <li>JSON {@code {"pixels": [...]}}; either object form may add {@code "label": 0-9}.
 * </ul>
 *
 * The stream app brings whatever size arrives to 28x28 the MNIST way, so the page can send its
 * canvas as drawn.
 */
final class DrawRequest {
  static final int MAX_BODY_BYTES = 2 * 1024 * 1024;
  static final int MAX_PNG_SIDE = 1024;
  static final List<Integer> SIDES = List.of(28, 280);
  private static final String PNG_PREFIX = "data:image/png;base64,";
  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  /**
   * What a body may hold, checked by the parser as it reads: the deepest accepted form is an object
   * of rows of pixels (3 levels); the longest string a PNG data URL as long as the body.
   */
  static final StreamReadConstraints LIMITS =
      StreamReadConstraints.builder()
          .maxNestingDepth(8)
          .maxNameLength(64)
          .maxNumberLength(16)
          .maxStringLength(MAX_BODY_BYTES)
          .maxDocumentLength(MAX_BODY_BYTES)
          .build();

  private static final ObjectReader READER = JsonCodec.untrustedReader(LIMITS);

  private DrawRequest() {}

  /** What to produce: an image event's pixel fields, and the optional ground truth. */
  record DrawnImage(PixelEncoding encoding, int width, int height, byte[] pixels, Integer label) {}

  /** A body the endpoint refuses, with a message for the caller. */
  static final class InvalidDrawException extends Exception {
    private static final long serialVersionUID = 1L;

    InvalidDrawException(String message) {
      super(message);
    }
  }

  static DrawnImage parse(byte[] body) throws InvalidDrawException {
    if (body == null || body.length == 0) {
      throw new InvalidDrawException("empty body: send a pixel array or a PNG data URL");
    }
    if (body.length > MAX_BODY_BYTES) {
      throw new InvalidDrawException("body larger than " + MAX_BODY_BYTES + " bytes");
    }
    String text = new String(body, StandardCharsets.UTF_8).strip();
    if (text.regionMatches(true, 0, "data:", 0, 5)) {
      return png(text, null);
    }
    JsonNode json;
    try {
      // From a stream, so that the parser counts the document's length as it reads.
      json = READER.readTree(new ByteArrayInputStream(body));
    } catch (IOException e) {
      throw new InvalidDrawException(
          "body is neither a PNG data URL nor JSON: "
              + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
    }
    if (json == null || json.isMissingNode()) {
      throw new InvalidDrawException("empty body: send a pixel array or a PNG data URL");
    }
    if (json.isArray()) {
      return pixels(json, null);
    }
    if (json.isObject()) {
      Integer label = label(json.get("label"));
      JsonNode pixels = json.get("pixels");
      JsonNode dataUrl = json.has("dataUrl") ? json.get("dataUrl") : json.get("png");
      if (present(pixels) && present(dataUrl)) {
        throw new InvalidDrawException("send either \"pixels\" or \"dataUrl\", not both");
      }
      if (pixels != null && pixels.isArray()) {
        return pixels(pixels, label);
      }
      if (dataUrl != null && dataUrl.isTextual()) {
        return png(dataUrl.textValue(), label);
      }
      throw new InvalidDrawException(
          "expected {\"pixels\": [...]} or {\"dataUrl\": \"data:image/png;base64,...\"}");
    }
    throw new InvalidDrawException("expected a JSON array or object");
  }

  private static boolean present(JsonNode node) {
    return node != null && !node.isNull();
  }

  private static Integer label(JsonNode value) throws InvalidDrawException {
    if (!present(value)) {
      return null;
    }
    int label = intValue(value, "label");
    if (label < 0 || label > 9) {
      throw new InvalidDrawException("label must be a digit 0-9, got " + label);
    }
    return label;
  }

  private static DrawnImage pixels(JsonNode list, Integer label) throws InvalidDrawException {
    List<JsonNode> flat = new ArrayList<>();
    boolean rows = !list.isEmpty() && list.get(0).isArray();
    int side;
    if (rows) {
      side = list.size();
      for (JsonNode row : list) {
        if (!row.isArray() || row.size() != side) {
          throw new InvalidDrawException(
              "rows must be arrays of " + side + " pixels, as many as there are rows");
        }
        row.forEach(flat::add);
      }
    } else {
      list.forEach(flat::add);
      side = (int) Math.round(Math.sqrt(flat.size()));
    }
    if (!SIDES.contains(side) || flat.size() != side * side) {
      throw new InvalidDrawException(
          "expected 28x28 (784) or 280x280 (78400) pixels, got " + flat.size());
    }
    byte[] pixels = new byte[flat.size()];
    for (int i = 0; i < pixels.length; i++) {
      int v = intValue(flat.get(i), "pixel " + i);
      if (v < 0 || v > 255) {
        throw new InvalidDrawException("pixel " + i + " is " + v + ", outside 0-255");
      }
      pixels[i] = (byte) v;
    }
    return new DrawnImage(PixelEncoding.RAW_GRAY8, side, side, pixels, label);
  }

  /** An integer, also when written as {@code 1e2} or {@code 5.0}, as the JSON grammar allows. */
  private static int intValue(JsonNode value, String what) throws InvalidDrawException {
    if (!value.isNumber()) {
      throw new InvalidDrawException(what + " must be an integer");
    }
    if (!value.canConvertToExactIntegral() || !value.canConvertToInt()) {
      throw new InvalidDrawException(what + " must be an integer, got " + value);
    }
    return value.intValue();
  }

  private static DrawnImage png(String dataUrl, Integer label) throws InvalidDrawException {
    String url = dataUrl.strip();
    if (!url.toLowerCase(Locale.ROOT).startsWith(PNG_PREFIX)) {
      throw new InvalidDrawException("only PNG data URLs are accepted (" + PNG_PREFIX + "...)");
    }
    byte[] png;
    try {
      // Line breaks and spaces are tolerated (a pasted URL); any other stray character is not.
      String base64 = url.substring(PNG_PREFIX.length()).replaceAll("\\s+", "");
      png = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new InvalidDrawException("the data URL is not valid base64: " + e.getMessage());
    }
    return pngFile(png, label);
  }

  /**
   * A PNG file's bytes, checked the same way as a data URL's (signature, a header size within
   * {@link #MAX_PNG_SIDE}, decodable): also the {@code BYTES} input of the inference protocol.
   */
  static DrawnImage pngFile(byte[] png, Integer label) throws InvalidDrawException {
    if (png.length < PNG_SIGNATURE.length
        || !java.util.Arrays.equals(png, 0, PNG_SIGNATURE.length, PNG_SIGNATURE, 0, 8)) {
      throw new InvalidDrawException("the data does not hold a PNG file");
    }
    // The size from the header first: a small file can declare a huge image (a PNG bomb).
    if (png.length < 24 || !"IHDR".equals(new String(png, 12, 4, StandardCharsets.US_ASCII))) {
      throw new InvalidDrawException("the PNG has no IHDR header");
    }
    long width = java.nio.ByteBuffer.wrap(png, 16, 4).getInt() & 0xffffffffL;
    long height = java.nio.ByteBuffer.wrap(png, 20, 4).getInt() & 0xffffffffL;
    if (width < 1 || height < 1 || width > MAX_PNG_SIDE || height > MAX_PNG_SIDE) {
      throw new InvalidDrawException(
          "the PNG is " + width + "x" + height + ", expected 1 to " + MAX_PNG_SIDE + " a side");
    }
    Thumbnail decoded =
        Thumbnail.decodePng(png)
            .orElseThrow(() -> new InvalidDrawException("the PNG does not decode"));
    return new DrawnImage(PixelEncoding.PNG, decoded.width(), decoded.height(), png, label);
  }
}
