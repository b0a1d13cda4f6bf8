package org.mniststream.benchmarks;

import java.nio.ByteBuffer;
import org.mniststream.schemas.ModelVersion;

/** The parameter bytes of a version (a copy: the record's buffer stays untouched). */
final class LoadedModelBytes {
  private LoadedModelBytes() {}

  static byte[] of(ModelVersion version) {
    ByteBuffer b = version.getParameters().duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
