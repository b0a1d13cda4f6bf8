package org.mniststream.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.mniststream.schemas.PixelEncoding;

class ImageCacheTest {

  @Test
  void shouldKeepOnlyTheLatestEntriesSoMemoryIsBounded() {
    ImageCache cache = new ImageCache(ImageCache.DEFAULT_CAPACITY);
    Thumbnail t = new Thumbnail(28, 28, new byte[784]);

    for (int i = 0; i < 10_000; i++) {
      cache.put("e" + i, t);
    }

    assertThat(cache.size()).isEqualTo(ImageCache.DEFAULT_CAPACITY);
    assertThat(cache.get("e0")).isNull();
    assertThat(cache.get("e7999")).isNull();
    assertThat(cache.get("e8000")).isSameAs(t);
    assertThat(cache.get("e9999")).isSameAs(t);
  }

  @Test
  void shouldStoreAtMost784BytesPerImageWhateverTheProducerSends() {
    ImageCache cache = new ImageCache(10);
    Aggregates aggregates = new Aggregates(java.time.Clock.systemUTC(), cache);

    aggregates.image(TestRecords.rawImage("big", 1000, (byte) 255));
    aggregates.image(
        TestRecords.image("wide", 560, 280, PixelEncoding.RAW_GRAY8, new byte[560 * 280]));

    assertThat(cache.get("big").gray()).hasSize(784);
    assertThat(cache.get("wide").width()).isEqualTo(28);
    assertThat(cache.get("wide").height()).isEqualTo(14);
  }

  @Test
  void shouldRefuseANonPositiveCapacity() {
    assertThatThrownBy(() -> new ImageCache(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldBoxAverageWhenScalingDown() {
    // 280x280: left half ink (255), right half background
    byte[] pixels = new byte[280 * 280];
    for (int y = 0; y < 280; y++) {
      for (int x = 0; x < 140; x++) {
        pixels[y * 280 + x] = (byte) 255;
      }
    }

    Thumbnail t = Thumbnail.downscale(280, 280, pixels);

    assertThat(t.width()).isEqualTo(28);
    assertThat(t.gray()[0] & 0xff).isEqualTo(255);
    assertThat(t.gray()[13] & 0xff).isEqualTo(255);
    assertThat(t.gray()[14] & 0xff).isZero();
    assertThat(t.gray()[27 * 28 + 27] & 0xff).isZero();
  }

  @Test
  void shouldKeepSmallImagesAsTheyAre() {
    byte[] pixels = {1, 2, 3, 4, 5, 6};

    Thumbnail t = Thumbnail.downscale(3, 2, pixels);

    assertThat(t.gray()).containsExactly(1, 2, 3, 4, 5, 6);
  }

  @Test
  void shouldMakeAThumbnailOfAPngCompositedOnBlack() throws IOException {
    BufferedImage image = new BufferedImage(56, 56, BufferedImage.TYPE_INT_ARGB);
    image.setRGB(0, 0, 0xFFFFFFFF); // opaque white: ink
    image.setRGB(55, 55, 0x00FFFFFF); // transparent white: background
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(image, "png", png);

    Thumbnail t =
        Thumbnail.of(TestRecords.image("p", 56, 56, PixelEncoding.PNG, png.toByteArray()))
            .orElseThrow();

    assertThat(t.width()).isEqualTo(28);
    assertThat(t.gray()[0] & 0xff).isBetween(60, 66); // one white pixel in a 2x2 box
    assertThat(t.gray()[783] & 0xff).isZero();
  }

  @Test
  void shouldSkipImagesWhosePixelsDoNotMatchTheirDeclaredSize() {
    assertThat(Thumbnail.of(TestRecords.image("x", 28, 28, PixelEncoding.RAW_GRAY8, new byte[100])))
        .isEmpty();
    assertThat(Thumbnail.of(TestRecords.image("y", 28, 28, PixelEncoding.PNG, new byte[100])))
        .isEmpty();
    assertThat(Thumbnail.of(TestRecords.image("z", 1, 1, PixelEncoding.UNKNOWN, new byte[1])))
        .isEmpty();
  }
}
