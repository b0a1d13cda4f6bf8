package org.mniststream.dashboard;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Server-Sent Events clients of {@code /events}. Each connection holds one HTTP thread that
 * writes the frames queued for it; a client that does not keep up (its queue fills) is dropped and
 * reconnects by itself (EventSource does), so one slow browser never holds back the others or grows
 * memory. A comment line every {@value #KEEPALIVE_SECONDS} s finds dead connections.
 */
final class SseHub implements AutoCloseable {
  static final int MAX_CLIENTS = 32;
  static final int QUEUE = 32;
  static final int KEEPALIVE_SECONDS = 15;
  private static final Logger LOG = LoggerFactory.getLogger(SseHub.class);
  private static final String CLOSE = "";

  private final Set<BlockingQueue<String>> clients = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  int clients() {
    return clients.size();
  }

  /** One SSE frame: the event name and its one-line data. */
  static String frame(String event, String data) {
    if (data.indexOf('\n') >= 0 || data.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("SSE data must be one line");
    }
    return "event: " + event + "\ndata: " + data + "\n\n";
  }

  /** Queues a frame for every client; a client whose queue is full is disconnected. */
  void broadcast(String frame) {
    for (BlockingQueue<String> queue : clients) {
      if (!queue.offer(frame)) {
        clients.remove(queue);
        queue.clear();
        queue.offer(CLOSE);
      }
    }
  }

  /** Serves one client until it goes or the hub closes; {@code first} is sent at once. */
  void serve(HttpExchange exchange, String first) throws IOException {
    try (exchange) {
      if (closed || clients.size() >= MAX_CLIENTS) {
        exchange.getResponseHeaders().set("Retry-After", "5");
        exchange.sendResponseHeaders(503, -1);
        return;
      }
      BlockingQueue<String> queue = new ArrayBlockingQueue<>(QUEUE);
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.getResponseHeaders().set("X-Accel-Buffering", "no");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      write(out, "retry: 2000\n\n" + first);
      clients.add(queue);
      try {
        while (!closed) {
          String frame = queue.poll(KEEPALIVE_SECONDS, TimeUnit.SECONDS);
          if (frame == CLOSE) {
            break;
          }
          write(out, frame == null ? ": keepalive\n\n" : frame);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        LOG.debug("SSE client gone: {}", e.toString());
      } finally {
        clients.remove(queue);
      }
    }
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() {
    closed = true;
    for (BlockingQueue<String> queue : clients) {
      queue.clear();
      queue.offer(CLOSE);
    }
    clients.clear();
  }
}
