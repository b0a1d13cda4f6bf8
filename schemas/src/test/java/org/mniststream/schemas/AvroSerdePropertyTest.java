package org.mniststream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Whatever bytes arrive, decoding gives a whole record or a typed error: nothing else. */
class AvroSerdePropertyTest {
  private final AvroSerde<ImageEvent> serde = ContractSerdes.imageEvent();

  @Property(tries = 2000)
  void shouldOnlyEverFailWithATypedReason(@ForAll @Size(max = 2000) byte[] bytes) {
    Throwable thrown = catchThrowable(() -> serde.decode(bytes));
    if (thrown != null) {
      assertThat(thrown).isInstanceOf(AvroDecodingException.class);
      assertThat(((AvroDecodingException) thrown).reason()).isNotNull();
    }
  }

  @Property(tries = 500)
  void shouldRejectEveryTruncationOfAValidEvent(@ForAll @IntRange(min = 0, max = 830) int cut) {
    byte[] full = serde.encode(ContractSerdesTest.imageEvent());
    Throwable thrown =
        catchThrowable(() -> serde.decode(Arrays.copyOf(full, Math.min(cut, full.length - 1))));
    assertThat(thrown).isInstanceOf(AvroDecodingException.class);
  }

  @Property(tries = 500)
  void shouldNeverMistakeACorruptedHeaderForAnotherSchema(
      @ForAll @IntRange(min = 2, max = 9) int position, @ForAll byte flip) {
    byte[] bytes = serde.encode(ContractSerdesTest.imageEvent());
    if (flip == 0) {
      return;
    }
    bytes[position] ^= flip;
    assertThat(catchThrowable(() -> serde.decode(bytes)))
        .isInstanceOfSatisfying(
            AvroDecodingException.class,
            e -> assertThat(e.reason()).isEqualTo(DeadLetterReason.UNKNOWN_SCHEMA));
  }
}
