package org.mniststream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.StringJoiner;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.mniststream.dashboard.DrawRequest.DrawnImage;
import org.mniststream.dashboard.DrawRequest.InvalidDrawException;
import org.mniststream.schemas.PixelEncoding;

class DrawRequestTest {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String flat(int count, int value) {
    return IntStream.range(0, count)
        .mapToObj(i -> Integer.toString(value))
        .collect(Collectors.joining(",", "[", "]"));
  }

  private static String pngDataUrl(int width, int height) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
    image.setRGB(width / 2, height / 2, 0xFFFFFFFF);
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(image, "png", png);
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
  }

  @Test
  void shouldAcceptAFlat28By28PixelArray() throws Exception {
    DrawnImage image = DrawRequest.parse(utf8(flat(784, 255)));

    assertThat(image.encoding()).isEqualTo(PixelEncoding.RAW_GRAY8);
    assertThat(image.width()).isEqualTo(28);
    assertThat(image.height()).isEqualTo(28);
    assertThat(image.pixels()).hasSize(784).containsOnly((byte) 255);
    assertThat(image.label()).isNull();
  }

  @Test
  void shouldAcceptRowsAnd280By280AndALabel() throws Exception {
    StringJoiner rows = new StringJoiner(",", "[", "]");
    for (int r = 0; r < 28; r++) {
      rows.add(flat(28, r));
    }
    DrawnImage nested = DrawRequest.parse(utf8("{\"pixels\":" + rows + ",\"label\":7}"));
    DrawnImage big = DrawRequest.parse(utf8("{\"pixels\":" + flat(78_400, 0) + "}"));

    assertThat(nested.pixels()[28 * 5 + 3]).isEqualTo((byte) 5);
    assertThat(nested.label()).isEqualTo(7);
    assertThat(big.width()).isEqualTo(280);
    assertThat(big.pixels()).hasSize(78_400);
  }

  @Test
  void shouldAcceptAPngDataUrlAsBodyOrInJsonAndSendThePngUnchanged() throws Exception {
    String url = pngDataUrl(280, 280);

    DrawnImage bare = DrawRequest.parse(utf8(url));
    DrawnImage json = DrawRequest.parse(utf8("{\"dataUrl\":\"" + url + "\",\"label\":null}"));

    assertThat(bare.encoding()).isEqualTo(PixelEncoding.PNG);
    assertThat(bare.width()).isEqualTo(280);
    assertThat(bare.height()).isEqualTo(280);
    assertThat(bare.pixels())
        .isEqualTo(Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1)));
    assertThat(json.pixels()).isEqualTo(bare.pixels());
  }

  @Test
  void shouldRefuseAnEmptyOrOversizedBody() {
    assertThatThrownBy(() -> DrawRequest.parse(new byte[0]))
        .isInstanceOf(InvalidDrawException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> DrawRequest.parse(new byte[DrawRequest.MAX_BODY_BYTES + 1]))
        .isInstanceOf(InvalidDrawException.class)
        .hasMessageContaining("larger than");
  }

  @Test
  void shouldRefusePixelArraysOfTheWrongShapeOrRange() {
    assertThatThrownBy(() -> DrawRequest.parse(utf8(flat(783, 0)))).hasMessageContaining("got 783");
    assertThatThrownBy(() -> DrawRequest.parse(utf8(flat(900, 0)))).hasMessageContaining("got 900");
    assertThatThrownBy(() -> DrawRequest.parse(utf8(flat(784, 256))))
        .hasMessageContaining("outside 0-255");
    assertThatThrownBy(() -> DrawRequest.parse(utf8(flat(784, -1))))
        .hasMessageContaining("outside 0-255");
    assertThatThrownBy(() -> DrawRequest.parse(utf8(flat(784, 0).replaceFirst("0", "0.5"))))
        .hasMessageContaining("must be an integer");
    assertThatThrownBy(() -> DrawRequest.parse(utf8(flat(784, 0).replaceFirst("0", "\"0\""))))
        .hasMessageContaining("must be an integer");
    assertThatThrownBy(() -> DrawRequest.parse(utf8("[[1,2],[3]]")))
        .hasMessageContaining("rows must be arrays");
    assertThatThrownBy(() -> DrawRequest.parse(utf8("[]"))).hasMessageContaining("got 0");
  }

  @Test
  void shouldRefuseALabelThatIsNotADigit() {
    assertThatThrownBy(
            () -> DrawRequest.parse(utf8("{\"pixels\":" + flat(784, 0) + ",\"label\":10}")))
        .hasMessageContaining("label must be a digit");
  }

  @Test
  void shouldRefuseWhatIsNotAPng() {
    assertThatThrownBy(() -> DrawRequest.parse(utf8("data:image/jpeg;base64,AAAA")))
        .hasMessageContaining("only PNG");
    assertThatThrownBy(() -> DrawRequest.parse(utf8("data:image/png;base64,@@@")))
        .hasMessageContaining("not valid base64");
    String notPng = Base64.getEncoder().encodeToString(utf8("GIF89a is not a PNG at all"));
    assertThatThrownBy(() -> DrawRequest.parse(utf8("data:image/png;base64," + notPng)))
        .hasMessageContaining("does not hold a PNG");
  }

  @Test
  void shouldRefuseAPngDeclaringAHugeImageBeforeDecodingIt() throws Exception {
    String url = pngDataUrl(4, 4);
    byte[] png = Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1));
    ByteBuffer.wrap(png, 16, 8).putInt(50_000).putInt(50_000); // IHDR width, height

    String bomb = "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    assertThatThrownBy(() -> DrawRequest.parse(utf8(bomb)))
        .isInstanceOf(InvalidDrawException.class)
        .hasMessageContaining("50000x50000");
  }

  @Test
  void shouldRefuseAPngThatDoesNotDecode() throws Exception {
    String url = pngDataUrl(8, 8);
    byte[] png = Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1));
    byte[] truncated = java.util.Arrays.copyOf(png, 40);

    String broken = "data:image/png;base64," + Base64.getEncoder().encodeToString(truncated);
    assertThatThrownBy(() -> DrawRequest.parse(utf8(broken)))
        .hasMessageContaining("does not decode");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{",
        "[1,]",
        "{\"a\":1,}",
        "{a:1}",
        "{'a':1}",
        "01",
        "1.",
        "-",
        "1e",
        "\"unterminated",
        "\"bad \\x escape\"",
        "\"raw\ncontrol\"",
        "tru",
        "[1] [2]",
        "NaN",
        "{\"pixels\":[],\"pixels\":[]}"
      })
  void shouldRefuseMalformedJson(String text) {
    assertThatThrownBy(() -> DrawRequest.parse(utf8(text)))
        .isInstanceOf(InvalidDrawException.class)
        .hasMessageContaining("neither a PNG data URL nor JSON");
  }

  @Test
  void shouldBoundNestingSoAHostileBodyCannotOverflowTheStack() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);

    assertThatThrownBy(() -> DrawRequest.parse(utf8(deep)))
        .isInstanceOf(InvalidDrawException.class)
        .hasMessageContaining("nesting depth");
  }

  @Test
  void shouldBoundNumbersAndNamesBeforeReadingThem() {
    String longNumber = "[" + "1".repeat(1_000) + "]";
    String longName = "{\"" + "n".repeat(1_000) + "\":1}";

    assertThatThrownBy(() -> DrawRequest.parse(utf8(longNumber)))
        .isInstanceOf(InvalidDrawException.class)
        .hasMessageContaining("Number value length");
    assertThatThrownBy(() -> DrawRequest.parse(utf8(longName)))
        .isInstanceOf(InvalidDrawException.class)
        .hasMessageContaining("Name length");
  }

  @Test
  void shouldRefuseMalformedOrAmbiguousJson() {
    assertThatThrownBy(() -> DrawRequest.parse(utf8("{\"pixels\": [1, 2")))
        .hasMessageContaining("neither a PNG data URL nor JSON");
    assertThatThrownBy(() -> DrawRequest.parse(utf8("{\"pixels\":[],\"dataUrl\":\"x\"}")))
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> DrawRequest.parse(utf8("{\"image\":1}")))
        .hasMessageContaining("expected {\"pixels\"");
    assertThatThrownBy(() -> DrawRequest.parse(utf8("42"))).hasMessageContaining("expected a JSON");
  }
}
