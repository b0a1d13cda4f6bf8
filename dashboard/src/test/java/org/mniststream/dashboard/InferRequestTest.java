package org.mniststream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.PixelEncoding;

class InferRequestTest {

  private static InferRequest.Inference parse(String json) throws Exception {
    return InferRequest.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String request(String shape, String datatype, String data) {
    return "{\"id\":\"r-1\",\"inputs\":[{\"name\":\"image\",\"shape\":"
        + shape
        + ",\"datatype\":\""
        + datatype
        + "\",\"data\":"
        + data
        + "}]}";
  }

  private static String values(int n, java.util.function.IntFunction<String> v) {
    return IntStream.range(0, n).mapToObj(v).collect(Collectors.joining(",", "[", "]"));
  }

  @Test
  void shouldReadA784Uint8TensorAsA28x28RawImage() throws Exception {
    InferRequest.Inference in = parse(request("[1,784]", "UINT8", values(784, i -> "" + i % 256)));

    assertThat(in.id()).isEqualTo("r-1");
    assertThat(in.inputName()).isEqualTo("image");
    assertThat(in.image().encoding()).isEqualTo(PixelEncoding.RAW_GRAY8);
    assertThat(in.image().width()).isEqualTo(28);
    assertThat(in.image().pixels()).hasSize(784);
    assertThat(in.image().pixels()[255] & 0xff).isEqualTo(255);
    assertThat(in.image().pixels()[300] & 0xff).isEqualTo(300 % 256);
  }

  @Test
  void shouldScaleFp32ValuesToBytesAndAcceptNestedRows() throws Exception {
    String row = values(28, i -> i == 0 ? "1.0" : "0.5");
    String rows =
        IntStream.range(0, 28).mapToObj(i -> row).collect(Collectors.joining(",", "[", "]"));
    InferRequest.Inference in = parse(request("[1,28,28]", "FP32", "[" + rows + "]"));

    assertThat(in.id()).isEqualTo("r-1");
    assertThat(in.image().pixels()[0] & 0xff).isEqualTo(255);
    assertThat(in.image().pixels()[1] & 0xff).isEqualTo(128);
    assertThat(in.image().pixels()[28] & 0xff).isEqualTo(255);
  }

  @Test
  void shouldAcceptEveryShapeOfOneImage() throws Exception {
    for (String shape : new String[] {"[784]", "[28,28]", "[1,28,28]", "[1,784]"}) {
      assertThat(parse(request(shape, "UINT8", values(784, i -> "0"))).image().pixels())
          .hasSize(784);
    }
  }

  @Test
  void shouldReadABase64PngAsAPngImage() throws Exception {
    BufferedImage img = new BufferedImage(20, 30, BufferedImage.TYPE_BYTE_GRAY);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(img, "png", out);
    String b64 = Base64.getEncoder().encodeToString(out.toByteArray());

    InferRequest.Inference in = parse(request("[1]", "BYTES", "[\"" + b64 + "\"]"));

    assertThat(in.image().encoding()).isEqualTo(PixelEncoding.PNG);
    assertThat(in.image().width()).isEqualTo(20);
    assertThat(in.image().height()).isEqualTo(30);
    assertThat(in.image().pixels()).isEqualTo(out.toByteArray());
  }

  @Test
  void shouldRefuseBadRequestsWithOneClearMessage() {
    String zeros = values(784, i -> "0");
    assertRefused("{not json", "malformed JSON");
    assertRefused("[]", "expected a JSON object with \"inputs\"");
    assertRefused("{\"inputs\":[]}", "\"inputs\" must be an array of one input tensor");
    assertRefused(request("[1,785]", "UINT8", zeros), "shape [1, 785] is not one 28x28 image");
    assertRefused(request("[1,784]", "INT32", zeros), "datatype INT32 is not accepted");
    assertRefused(request("[1,784]", "UINT8", values(783, i -> "0")), "needs 784 values, got 783");
    assertRefused(
        request("[1,784]", "UINT8", values(784, i -> i == 5 ? "256" : "0")),
        "UINT8 value 5 is 256, outside 0-255");
    assertRefused(
        request("[1,784]", "UINT8", values(784, i -> i == 7 ? "1.5" : "0")),
        "UINT8 value 7 is not an integer");
    assertRefused(
        request("[1,784]", "FP32", values(784, i -> i == 3 ? "1.2" : "0")),
        "FP32 value 3 is 1.2, outside [0, 1]");
    assertRefused(
        request("[2,784]", "UINT8", values(784, i -> "0")),
        "batch of 2: this gateway infers one image per request");
    assertRefused(request("[1]", "BYTES", "[\"bm90IGEgcG5n\"]"), "does not hold a PNG");
    assertRefused(request("[1]", "BYTES", "[\"***\"]"), "not valid base64");
    assertRefused(
        "{\"inputs\":[{\"shape\":[784],\"datatype\":\"UINT8\",\"data\":" + zeros + "}]}",
        "needs a string \"name\"");
  }

  private static void assertRefused(String body, String message) {
    assertThatThrownBy(() -> parse(body))
        .isInstanceOf(InferRequest.InvalidInferenceException.class)
        .hasMessageContaining(message);
  }
}
