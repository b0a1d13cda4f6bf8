package org.mniststream.trainer.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.io.input.CloseShieldInputStream;

/**
 * Reads tar archives, gzip-compressed or plain, such as the tarballs {@code npm pack} produces, so
 * the trainer needs no {@code tar} binary. Directories, links and other entry types are skipped.
 * Entry names are handed to the caller as they are and never used as file system paths here, so
 * hostile names cannot escape anywhere.
 */
public final class TarArchives {
  private TarArchives() {}

  /** Receives each regular file of an archive. */
  @FunctionalInterface
  public interface EntryVisitor {
    /**
     * Called once per regular file. {@code content} yields exactly {@code size} bytes; it need not
     * be read to the end and must not be closed.
     */
    void visit(String name, long size, InputStream content) throws IOException;
  }

  /** Visits every regular file of a tar archive, gzip-compressed or not (decided by magic). */
  public static void forEachFile(Path archive, EntryVisitor visitor) throws IOException {
    try (InputStream in = Files.newInputStream(archive)) {
      forEachFile(in, visitor);
    }
  }

  /** Visits every regular file of a tar stream (gzip-compressed or not); does not close it. */
  public static void forEachFile(InputStream archive, EntryVisitor visitor) throws IOException {
    try (TarArchiveInputStream tar =
        new TarArchiveInputStream(
            MaybeGzip.decompress(CloseShieldInputStream.wrap(archive)), MaybeGzip.BUFFER_SIZE)) {
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        // The reader parses a header whatever its checksum says; a corrupt one must not pass.
        if (!entry.isCheckSumOK()) {
          throw new IOException("corrupt tar header: bad checksum for entry " + entry.getName());
        }
        if (isRegularFile(entry)) {
          visitor.visit(entry.getName(), entry.getSize(), CloseShieldInputStream.wrap(tar));
        }
      }
    }
  }

  private static boolean isRegularFile(TarArchiveEntry entry) {
    byte type = entry.getLinkFlag();
    return type == TarConstants.LF_NORMAL
        || type == TarConstants.LF_OLDNORM
        || type == TarConstants.LF_CONTIG;
  }
}
