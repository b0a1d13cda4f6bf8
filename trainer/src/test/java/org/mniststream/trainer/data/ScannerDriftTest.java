package org.mniststream.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ScannerDriftTest {
  private static final int SIZE = 28;

  @Test
  void shouldGiveTheSameBytesForTheSameSeedAndIndexAndOtherBytesForAnotherSeed() {
    IdxDataset digits = MnistSubset.test().head(50);

    IdxDataset once = ScannerDrift.shift(digits, ScannerDrift.Settings.DEFAULTS, 7);
    IdxDataset again = ScannerDrift.shift(digits, ScannerDrift.Settings.DEFAULTS, 7);
    IdxDataset otherSeed = ScannerDrift.shift(digits, ScannerDrift.Settings.DEFAULTS, 8);

    assertThat(again.pixels()).isEqualTo(once.pixels());
    for (int i = 0; i < digits.count(); i++) {
      assertThat(otherSeed.pixelsOf(i)).as("image %d", i).isNotEqualTo(once.pixelsOf(i));
    }
  }

  @Test
  void shouldDependOnTheIndexAloneNotOnTheOrderImagesAreShiftedIn() {
    IdxDataset digits = MnistSubset.test().head(10);
    IdxDataset whole = ScannerDrift.shift(digits, ScannerDrift.Settings.DEFAULTS, 3);
    ScannerDrift drift = new ScannerDrift(ScannerDrift.Settings.DEFAULTS, 3, SIZE, SIZE);
    byte[] single = new byte[SIZE * SIZE];

    drift.apply(digits.pixels(), digits.offsetOf(9), single, 0, 9);

    assertThat(single).isEqualTo(whole.pixelsOf(9));
  }

  @Test
  void shouldChangeEveryImageAndVaryTheAngleWithinTheLimit() {
    IdxDataset digits = MnistSubset.test().head(200);
    IdxDataset shifted = ScannerDrift.shift(digits, ScannerDrift.Settings.DEFAULTS, 1);
    ScannerDrift drift = new ScannerDrift(ScannerDrift.Settings.DEFAULTS, 1, SIZE, SIZE);

    double limit = ScannerDrift.Settings.DEFAULTS.maxRotationDegrees();
    double maxAngle = 0;
    for (int i = 0; i < digits.count(); i++) {
      assertThat(shifted.pixelsOf(i)).as("image %d", i).isNotEqualTo(digits.pixelsOf(i));
      double degrees = Math.toDegrees(drift.angleOf(i));
      assertThat(Math.abs(degrees)).isLessThanOrEqualTo(limit);
      maxAngle = Math.max(maxAngle, Math.abs(degrees));
    }
    assertThat(maxAngle).as("200 uniform draws reach near the limit").isGreaterThan(0.8 * limit);
  }

  @Test
  void shouldKeepAStrongShiftWithinTheByteRange() {
    // Noise strong enough to push values far past 0 and 255 before clamping.
    ScannerDrift.Settings harsh = new ScannerDrift.Settings(2, 25, 1, 255, 128);
    IdxDataset shifted = ScannerDrift.shift(MnistSubset.test().head(20), harsh, 5);

    int[] histogram = new int[256];
    for (byte b : shifted.pixels()) {
      histogram[b & 0xff]++;
    }
    assertThat(histogram[0]).as("clamped at 0").isPositive();
    assertThat(histogram[255]).as("clamped at 255").isPositive();
  }

  @Test
  void shouldLeaveABlankImageBlankApartFromTheBackgroundAndNoise() {
    byte[] blank = new byte[SIZE * SIZE];
    byte[] out = new byte[SIZE * SIZE];
    ScannerDrift.Settings defaults = ScannerDrift.Settings.DEFAULTS;

    new ScannerDrift(defaults, 11, SIZE, SIZE).apply(blank, 0, out, 0, 0);

    double mean = 0;
    int max = 0;
    for (byte b : out) {
      mean += (b & 0xff) / (double) out.length;
      max = Math.max(max, b & 0xff);
    }
    assertThat(mean).isCloseTo(defaults.background(), org.assertj.core.data.Offset.offset(2.0));
    assertThat(max)
        .as("no stroke appears: nothing above background + 5 sigma")
        .isLessThan((int) (defaults.background() + 5 * defaults.noiseSigma()));
  }

  @Test
  void shouldLeaveImagesUntouchedWithNoEffect() {
    IdxDataset digits = MnistSubset.test().head(20);

    IdxDataset same = ScannerDrift.shift(digits, ScannerDrift.Settings.NONE, 99);

    assertThat(same.pixels()).isEqualTo(digits.pixels());
  }

  @Test
  void shouldThickenAStrokeByTheRadiusOnEachSide() {
    float[] image = new float[SIZE * SIZE];
    image[14 * SIZE + 14] = 200;
    float[] out = new float[SIZE * SIZE];

    ScannerDrift.dilate(image, out, SIZE, SIZE, 1);

    for (int y = 0; y < SIZE; y++) {
      for (int x = 0; x < SIZE; x++) {
        boolean near = Math.abs(y - 14) <= 1 && Math.abs(x - 14) <= 1;
        assertThat(out[y * SIZE + x]).as("(%d,%d)", y, x).isEqualTo(near ? 200f : 0f);
      }
    }
  }

  @Test
  void shouldTurnARightPointingArmUpwardsByNinetyDegreesCounterClockwise() {
    // An odd size has a pixel at the exact centre, so a quarter turn maps pixels onto pixels.
    int size = 9;
    float[] arm = new float[size * size];
    for (int x = 4; x < size; x++) {
      arm[4 * size + x] = 100; // from the centre to the right edge
    }
    float[] out = new float[size * size];

    ScannerDrift.rotate(arm, out, size, size, Math.toRadians(90));

    float[] expected = new float[size * size];
    for (int y = 0; y <= 4; y++) {
      expected[y * size + 4] = 100; // from the top edge down to the centre
    }
    for (int i = 0; i < out.length; i++) {
      assertThat(out[i]).as("pixel %d", i).isCloseTo(expected[i], within(1e-3f));
    }
  }

  @Test
  void shouldInterpolateBilinearlyBetweenPixels() {
    // Bilinear interpolation is exact on a linear ramp: each output pixel that comes from inside
    // the image holds the column it came from, the inverse turn of its own position.
    int size = 9;
    float[] ramp = new float[size * size];
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        ramp[y * size + x] = x;
      }
    }
    float[] out = new float[size * size];
    double angle = Math.toRadians(10);

    ScannerDrift.rotate(ramp, out, size, size, angle);

    int inside = 0;
    for (int y = 0; y < size; y++) {
      for (int x = 0; x < size; x++) {
        double sx = 4 + (x - 4) * Math.cos(angle) - (y - 4) * Math.sin(angle);
        double sy = 4 + (x - 4) * Math.sin(angle) + (y - 4) * Math.cos(angle);
        if (sx >= 0 && sx <= size - 1 && sy >= 0 && sy <= size - 1) {
          assertThat(out[y * size + x]).as("(%d,%d)", y, x).isCloseTo((float) sx, within(1e-4f));
          inside++;
        }
      }
    }
    assertThat(inside).isGreaterThan(50);
    assertThat(out[4 * size + 3]).as("not a whole column: interpolated").isNotEqualTo(3f);
  }

  @Test
  void shouldKeepLabelsCountsAndSizeOfTheDataset() {
    IdxDataset train = MnistSubset.train();

    IdxDataset shifted = ScannerDrift.shift(train, ScannerDrift.Settings.DEFAULTS, 1);

    assertThat(shifted.count()).isEqualTo(train.count());
    assertThat(shifted.rows()).isEqualTo(train.rows());
    assertThat(shifted.cols()).isEqualTo(train.cols());
    assertThat(shifted.labels()).isEqualTo(train.labels()).isNotSameAs(train.labels());
  }

  @Test
  void shouldRefuseSettingsOutOfRange() {
    assertThatThrownBy(() -> new ScannerDrift.Settings(1, 25, 0, 60, 12))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("contrast must be in (0, 1], was 0.0");
    assertThatThrownBy(() -> new ScannerDrift.Settings(1, 25, 0.6, 300, 12))
        .hasMessage("background must be 0..255, was 300");
    assertThatThrownBy(() -> new ScannerDrift.Settings(-1, 25, 0.6, 60, 12))
        .hasMessage("strokeRadius must be 0..3, was -1");
    assertThatThrownBy(() -> new ScannerDrift.Settings(1, Double.NaN, 0.6, 60, 12))
        .hasMessage("maxRotationDegrees must be 0..180, was NaN");
  }

  private static org.assertj.core.data.Offset<Float> within(float tolerance) {
    return org.assertj.core.data.Offset.offset(tolerance);
  }
}
