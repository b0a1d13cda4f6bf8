package org.mniststream.trainer.data;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A minimal reader for (gzip-compressed) tar archives such as the tarballs {@code npm pack}
 * produces, so the trainer needs neither a {@code tar} binary nor a library.
 *
 * <p>It understands 512-byte ustar/GNU headers (name with ustar prefix, octal or base-256 size,
 * header checksum), GNU long names ({@code L}) and pax {@code path}/{@code size} records ({@code
 * x}); directories, links and other entry types are skipped. Entry names are handed to the caller
 * as they are and never used as file system paths here, so hostile names cannot escape anywhere.
 */
public final class TarGz {
  private static final int BLOCK = 512;
  private static final Charset UTF8 = StandardCharsets.UTF_8;

  // Long names and pax records are read into memory; anything bigger is not a sane archive.
  private static final int MAX_METADATA_SIZE = 1 << 20;

  private TarGz() {}

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
    try (InputStream in = Streams.openMaybeGzip(archive)) {
      forEachFile(in, visitor);
    }
  }

  /** Visits every regular file of a tar stream (gzip-compressed or not); does not close it. */
  public static void forEachFile(InputStream archive, EntryVisitor visitor) throws IOException {
    try (InputStream in = Streams.maybeGunzip(Streams.nonClosing(archive))) {
      readEntries(in, visitor);
    }
  }

  private static void readEntries(InputStream in, EntryVisitor visitor) throws IOException {
    byte[] header = new byte[BLOCK];
    String longName = null;
    Long paxSize = null;
    while (true) {
      int read = in.readNBytes(header, 0, BLOCK);
      if (read == 0) {
        return; // some writers omit the two zero blocks that end an archive
      }
      if (read < BLOCK) {
        throw new IOException("truncated tar archive: partial header block of " + read + " bytes");
      }
      if (isZero(header)) {
        return;
      }
      verifyChecksum(header);
      String name = string(header, 0, 100);
      if (isUstar(header)) {
        String prefix = string(header, 345, 155);
        if (!prefix.isEmpty()) {
          name = prefix + "/" + name;
        }
      }
      long size = size(header);
      char type = (char) header[156];
      if (type == 'L' || type == 'x') {
        byte[] metadata = readMetadata(in, size, type);
        if (type == 'L') {
          longName = string(metadata, 0, metadata.length);
        } else {
          String paxPath = paxValue(metadata, "path");
          if (paxPath != null) {
            longName = paxPath;
          }
          String paxSizeText = paxValue(metadata, "size");
          paxSize = paxSizeText == null ? null : Long.parseLong(paxSizeText.trim());
        }
        continue;
      }
      if (longName != null) {
        name = longName;
        longName = null;
      }
      if (paxSize != null) {
        size = paxSize;
        paxSize = null;
      }
      EntryStream content = new EntryStream(in, size);
      if (type == '0' || type == '\0' || type == '7') {
        visitor.visit(name, size, content);
      }
      content.skipRest();
      skipFully(in, padding(size));
    }
  }

  private static byte[] readMetadata(InputStream in, long size, char type) throws IOException {
    if (size > MAX_METADATA_SIZE) {
      throw new IOException("tar metadata entry of type '" + type + "' is too large: " + size);
    }
    byte[] data = in.readNBytes((int) size);
    if (data.length < size) {
      throw new IOException("truncated tar archive inside a metadata entry");
    }
    skipFully(in, padding(size));
    return data;
  }

  /** Finds {@code key} in pax records of the form {@code "<len> <key>=<value>\n"}. */
  private static String paxValue(byte[] records, String key) throws IOException {
    int pos = 0;
    String found = null;
    while (pos < records.length) {
      int space = pos;
      while (space < records.length && records[space] != ' ') {
        space++;
      }
      int length;
      try {
        length = Integer.parseInt(new String(records, pos, space - pos, UTF8));
      } catch (NumberFormatException e) {
        throw new IOException("malformed pax header record", e);
      }
      if (length < space - pos + 2 || pos + length > records.length) {
        throw new IOException("malformed pax header record length " + length);
      }
      String record = new String(records, space + 1, pos + length - space - 2, UTF8);
      int equals = record.indexOf('=');
      if (equals > 0 && record.substring(0, equals).equals(key)) {
        found = record.substring(equals + 1); // later records override earlier ones
      }
      pos += length;
    }
    return found;
  }

  private static void verifyChecksum(byte[] header) throws IOException {
    String field = string(header, 148, 8).trim();
    long stored;
    try {
      stored = Long.parseLong(field, 8);
    } catch (NumberFormatException e) {
      throw new IOException("not a tar archive: bad header checksum field '" + field + "'", e);
    }
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      // The checksum is computed with its own field taken as eight spaces.
      byte b = i >= 148 && i < 156 ? (byte) ' ' : header[i];
      unsigned += b & 0xff;
      signed += b;
    }
    // Historic writers summed signed bytes; accept either.
    if (stored != unsigned && stored != signed) {
      throw new IOException(
          "corrupt tar header: checksum " + stored + " but the header sums to " + unsigned);
    }
  }

  private static long size(byte[] header) throws IOException {
    if ((header[124] & 0x80) != 0) {
      // GNU base-256: big-endian binary in the remaining bytes of the field.
      long value = header[124] & 0x7f;
      for (int i = 125; i < 136; i++) {
        value = (value << 8) | (header[i] & 0xff);
      }
      return value;
    }
    String field = string(header, 124, 12).trim();
    try {
      return field.isEmpty() ? 0 : Long.parseLong(field, 8);
    } catch (NumberFormatException e) {
      throw new IOException("corrupt tar header: size field '" + field + "'", e);
    }
  }

  private static boolean isUstar(byte[] header) {
    return header[257] == 'u'
        && header[258] == 's'
        && header[259] == 't'
        && header[260] == 'a'
        && header[261] == 'r';
  }

  private static boolean isZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  /** A NUL-terminated field. */
  private static String string(byte[] bytes, int offset, int length) {
    int end = offset;
    while (end < offset + length && bytes[end] != 0) {
      end++;
    }
    return new String(bytes, offset, end - offset, UTF8);
  }

  private static long padding(long size) {
    return (BLOCK - size % BLOCK) % BLOCK;
  }

  private static void skipFully(InputStream in, long n) throws IOException {
    try {
      in.skipNBytes(n);
    } catch (EOFException e) {
      throw new IOException("truncated tar archive", e);
    }
  }

  /** The bytes of one entry; ignores close so visitors cannot close the archive. */
  private static final class EntryStream extends InputStream {
    private final InputStream in;
    private long remaining;

    EntryStream(InputStream in, long size) {
      this.in = in;
      this.remaining = size;
    }

    @Override
    public int read() throws IOException {
      if (remaining == 0) {
        return -1;
      }
      int b = in.read();
      if (b < 0) {
        throw new IOException("truncated tar archive inside an entry");
      }
      remaining--;
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      if (remaining == 0) {
        return -1;
      }
      if (length == 0) {
        return 0;
      }
      int n = in.read(buffer, offset, (int) Math.min(length, remaining));
      if (n < 0) {
        throw new IOException("truncated tar archive inside an entry");
      }
      remaining -= n;
      return n;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(in.available(), remaining);
    }

    void skipRest() throws IOException {
      skipFully(in, remaining);
      remaining = 0;
    }

    @Override
    public void close() {}
  }
}
