package org.mniststream.model;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A network's parameters as bytes, in DJL's own parameter format ({@link Block#saveParameters}),
 * hashed with {@link Sha256}. This is the exact payload of {@code ModelVersion.parameters}.
 */
public final class ModelParameters {
  private ModelParameters() {}

  /** Serializes an initialized block's parameters. */
  public static byte[] toBytes(Block block) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 20);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      block.saveParameters(out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serialize parameters", e);
    }
    return bytes.toByteArray();
  }

  /**
   * Loads parameters into a freshly built block of the right architecture; the arrays belong to
   * {@code manager}. Trailing bytes are refused: a parameter file is all or nothing.
   */
  public static void load(Block block, NDManager manager, byte[] parameters)
      throws MalformedModelException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(parameters))) {
      block.loadParameters(manager, in);
      if (in.available() > 0) {
        throw new MalformedModelException(
            in.available() + " trailing bytes after the parameters: wrong architecture?");
      }
    } catch (IOException e) {
      throw new MalformedModelException("truncated or corrupt parameters: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // DJL reports shape and structure mismatches as IllegalArgumentException and friends
      throw new MalformedModelException("parameters do not fit the network: " + e.getMessage(), e);
    }
  }
}
