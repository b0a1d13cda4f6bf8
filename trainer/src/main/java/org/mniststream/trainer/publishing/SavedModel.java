package org.mniststream.trainer.publishing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.mniststream.model.Sha256;
import org.mniststream.schemas.AvroBytes;
import org.mniststream.schemas.AvroDecodingException;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.trainer.data.DataUnavailableException;

/**
 * A model version on disk, so it can be evaluated, published or fine-tuned without Kafka:
 *
 * <ul>
 *   <li>{@value #PARAMETERS_FILE}: the parameters in DJL's parameter format ({@code
 *       Block.saveParameters}), byte for byte the {@code parameters} a published version carries;
 *   <li>{@value #VERSION_FILE}: the {@code ModelVersion} in Avro single-object encoding ({@link
 *       ContractSerdes#modelVersion()}) with an empty {@code parameters} field (they are in the
 *       file above, checked against {@code parametersSha256} when loaded).
 * </ul>
 *
 * A version that was never published has version number 0.
 */
public final class SavedModel {
  public static final String PARAMETERS_FILE = "model.params";
  public static final String VERSION_FILE = "model-version.avro";

  private SavedModel() {}

  /** True when {@code dir} holds both files. */
  public static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve(PARAMETERS_FILE))
        && Files.isRegularFile(dir.resolve(VERSION_FILE));
  }

  /** Writes both files, each through a temporary file and a rename, creating {@code dir}. */
  public static void save(Path dir, ModelVersion version) throws IOException {
    Files.createDirectories(dir);
    byte[] parameters = AvroBytes.copyOf(version.getParameters());
    ModelVersion metadata =
        ModelVersion.newBuilder(version).setParameters(ByteBuffer.allocate(0)).build();
    writeAtomically(dir, PARAMETERS_FILE, parameters);
    writeAtomically(dir, VERSION_FILE, ContractSerdes.modelVersion().encode(metadata));
  }

  /** Reads a saved version back, parameters included, refusing parameters that do not match. */
  public static ModelVersion load(Path dir) throws IOException {
    if (!exists(dir)) {
      throw new DataUnavailableException(
          dir + " is not a saved model: it needs " + PARAMETERS_FILE + " and " + VERSION_FILE);
    }
    ModelVersion metadata;
    try {
      metadata =
          ContractSerdes.modelVersion().decode(Files.readAllBytes(dir.resolve(VERSION_FILE)));
    } catch (AvroDecodingException e) {
      throw new IOException(dir.resolve(VERSION_FILE) + ": " + e.getMessage(), e);
    }
    byte[] parameters = Files.readAllBytes(dir.resolve(PARAMETERS_FILE));
    String actual = Sha256.hex(parameters);
    if (!actual.equalsIgnoreCase(metadata.getParametersSha256())) {
      throw new IOException(
          dir.resolve(PARAMETERS_FILE)
              + " hashes to "
              + actual
              + " but "
              + VERSION_FILE
              + " declares "
              + metadata.getParametersSha256());
    }
    metadata.setParameters(ByteBuffer.wrap(parameters));
    return metadata;
  }

  private static void writeAtomically(Path dir, String name, byte[] content) throws IOException {
    Path tmp = Files.createTempFile(dir, name, ".tmp");
    try {
      Files.write(tmp, content);
      try {
        Files.move(
            tmp,
            dir.resolve(name),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
