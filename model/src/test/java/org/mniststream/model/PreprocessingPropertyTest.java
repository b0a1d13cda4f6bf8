package org.mniststream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.mniststream.model.image.GrayImage;
import org.mniststream.model.image.ImageDecodeException;
import org.mniststream.model.image.MnistFitter;
import org.mniststream.model.image.PngImages;

/** Properties of the preprocessing both trainer and stream app rely on. */
class PreprocessingPropertyTest {
  private final InputNormalizer unit = new InputNormalizer(InputContracts.scaledToUnit());
  private final InputNormalizer standardized =
      new InputNormalizer(
          InputContracts.standardized(InputContracts.MNIST_MEAN, InputContracts.MNIST_STD));

  @Property(tries = 300)
  void shouldMapEveryImageIntoTheUnitIntervalExactlyAsTheContractSays(
      @ForAll @Size(value = 784) byte[] pixels) {
    float[] out = unit.normalizeAll(pixels, 0, 1);
    float[] std = standardized.normalizeAll(pixels, 0, 1);
    for (int i = 0; i < 784; i++) {
      int p = pixels[i] & 0xFF;
      assertThat(out[i]).isEqualTo(p * (1f / 255f)).isBetween(0f, 1f);
      assertThat(std[i])
          .isEqualTo((p * (1f / 255f) - InputContracts.MNIST_MEAN) / InputContracts.MNIST_STD);
    }
  }

  @Property(tries = 300)
  void shouldBringAnyImageTo28x28WithinTheDigitBox(
      @ForAll @IntRange(min = 1, max = 80) int width,
      @ForAll @IntRange(min = 1, max = 80) int height,
      @ForAll long seed) {
    byte[] pixels = new byte[width * height];
    new java.util.Random(seed).nextBytes(pixels);
    GrayImage fitted = MnistFitter.fit(new GrayImage(width, height, pixels), 28, 28);
    assertThat(fitted.width()).isEqualTo(28);
    assertThat(fitted.height()).isEqualTo(28);
    if (width != 28 || height != 28) {
      int inked = 0;
      for (byte b : fitted.pixels()) {
        inked += b != 0 ? 1 : 0;
      }
      assertThat(inked).isLessThanOrEqualTo(20 * 20); // the ink fits a 20x20 box
    }
  }

  @Property(tries = 300)
  void shouldLeaveABlankImageBlank(
      @ForAll @IntRange(min = 1, max = 80) int width,
      @ForAll @IntRange(min = 1, max = 80) int height) {
    GrayImage fitted =
        MnistFitter.fit(new GrayImage(width, height, new byte[width * height]), 28, 28);
    assertThat(fitted.pixels()).containsOnly((byte) 0);
  }

  @Property(tries = 1000)
  void shouldRefuseAnyNonPngWithATypedError(@ForAll @Size(max = 500) byte[] bytes) {
    Throwable thrown = catchThrowable(() -> PngImages.decode(bytes, 28, 28, 1024));
    assertThat(thrown).isInstanceOf(ImageDecodeException.class);
  }
}
