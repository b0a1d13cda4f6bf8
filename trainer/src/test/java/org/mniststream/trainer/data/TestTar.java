package org.mniststream.trainer.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/** Builds small tar archives byte by byte, so TarArchives is tested against a known layout. */
final class TestTar {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** A regular file; names longer than 100 bytes are split into ustar prefix and name. */
  TestTar file(String name, byte[] content) {
    String prefix = "";
    if (name.length() > 100) {
      int slash = name.lastIndexOf('/', 155);
      prefix = name.substring(0, slash);
      name = name.substring(slash + 1);
    }
    return entry(prefix, name, '0', content);
  }

  TestTar directory(String name) {
    return entry("", name, '5', new byte[0]);
  }

  /** A GNU long-name entry followed by the file it names. */
  TestTar gnuLongNameFile(String longName, byte[] content) {
    entry("", "././@LongLink", 'L', (longName + "\0").getBytes(StandardCharsets.UTF_8));
    return entry("", "short-placeholder", '0', content);
  }

  /** A pax extended header carrying {@code path}, followed by the file it names. */
  TestTar paxPathFile(String path, byte[] content) {
    String body = " path=" + path + "\n";
    int length = body.length() + 1;
    while (String.valueOf(length).length() + body.length() != length) {
      length++;
    }
    entry("", "PaxHeader/x", 'x', (length + body).getBytes(StandardCharsets.UTF_8));
    return entry("", "placeholder", '0', content);
  }

  /** Raw bytes appended as they are (to build corrupt archives). */
  TestTar raw(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  TestTar entry(String prefix, String name, char type, byte[] content) {
    out.writeBytes(header(prefix, name, type, content.length));
    out.writeBytes(content);
    out.writeBytes(new byte[(512 - content.length % 512) % 512]);
    return this;
  }

  /** The archive with its two terminating zero blocks. */
  byte[] tar() {
    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    copy.writeBytes(out.toByteArray());
    copy.writeBytes(new byte[1024]);
    return copy.toByteArray();
  }

  byte[] tarGz() {
    return gzip(tar());
  }

  static byte[] gzip(byte[] data) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(data);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static byte[] header(String prefix, String name, char type, long size) {
    byte[] header = new byte[512];
    put(header, 0, name);
    put(header, 100, "0000644");
    put(header, 108, "0000000");
    put(header, 116, "0000000");
    put(header, 124, String.format("%011o", size));
    put(header, 136, "00000000000");
    header[156] = (byte) type;
    put(header, 257, "ustar");
    put(header, 263, "00");
    put(header, 345, prefix);
    for (int i = 148; i < 156; i++) {
      header[i] = ' ';
    }
    int sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    put(header, 148, String.format("%06o\0 ", sum));
    return header;
  }

  private static void put(byte[] header, int offset, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(bytes, 0, header, offset, bytes.length);
  }
}
