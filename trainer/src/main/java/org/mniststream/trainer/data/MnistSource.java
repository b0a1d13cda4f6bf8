package org.mniststream.trainer.data;

import java.io.IOException;

/** One place MNIST may come from; {@link MnistFiles} verifies and caches what it supplies. */
interface MnistSource {
  /** Human-readable name used in logs and error messages, e.g. {@code "mirror https://..."}. */
  String name();

  /** Supplies the four files to {@code staging}; throws with the reason when it cannot. */
  void fetchInto(Staging staging) throws IOException, InterruptedException;
}
