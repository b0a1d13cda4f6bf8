package org.mniststream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class AvroBytesTest {
  @Test
  void shouldHandOverTheBackingArrayOfABufferThatIsExactlyIt() {
    byte[] array = {1, 2, 3};

    assertThat(AvroBytes.arrayOf(ByteBuffer.wrap(array))).isSameAs(array);
  }

  @Test
  void shouldCopyOnlyTheRemainingBytesOfAnyOtherBuffer() {
    byte[] array = {1, 2, 3, 4};
    ByteBuffer sliced = ByteBuffer.wrap(array, 1, 2).slice();
    ByteBuffer advanced = ByteBuffer.wrap(array);
    advanced.get();
    ByteBuffer direct = ByteBuffer.allocateDirect(2).put(new byte[] {7, 8}).flip();

    assertThat(AvroBytes.arrayOf(sliced)).containsExactly(2, 3).isNotSameAs(array);
    assertThat(AvroBytes.arrayOf(advanced)).containsExactly(2, 3, 4);
    assertThat(AvroBytes.arrayOf(direct)).containsExactly(7, 8);
    assertThat(advanced.position()).isEqualTo(1);
  }
}
