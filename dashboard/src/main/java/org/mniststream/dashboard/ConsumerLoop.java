package org.mniststream.dashboard;

import java.time.Duration;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer on a thread of its own: set up (subscribe or assign) until that succeeds, then poll
 * and hand each batch to the subclass, until {@link #close()}. A Kafka error (authorization, a
 * broker away, a deleted topic) is logged and retried after a pause; the consumer is used from the
 * loop's thread only and closed when the loop ends.
 */
abstract class ConsumerLoop implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
  private static final Duration POLL = Duration.ofMillis(200);

  protected final Consumer<byte[], byte[]> consumer;
  private final String name;
  private final Duration retry;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean assigned;

  ConsumerLoop(Consumer<byte[], byte[]> consumer, String name, Duration retry) {
    this.consumer = consumer;
    this.name = name;
    this.retry = retry;
    this.thread = new Thread(this::run, name);
    this.thread.setDaemon(true);
  }

  /** Subscribes or assigns; false to be called again after a pause (a topic not there yet). */
  abstract boolean setUp();

  /** One poll's records, on the loop's thread. */
  abstract void handle(ConsumerRecords<byte[], byte[]> records);

  void start() {
    thread.start();
  }

  /** Whether partitions are assigned: from then on, every new record is seen. */
  boolean assigned() {
    return assigned;
  }

  /** For {@link #setUp()} and rebalance listeners. */
  void assigned(boolean value) {
    assigned = value;
  }

  private void run() {
    boolean setUp = false;
    try {
      while (running) {
        try {
          if (!setUp) {
            setUp = setUp();
            if (!setUp) {
              pause();
            }
            continue;
          }
          handle(consumer.poll(POLL));
        } catch (WakeupException e) {
          break;
        } catch (KafkaException e) {
          LOG.warn("{}: {}; retrying in {} ms", name, e.toString(), retry.toMillis());
          pause();
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      LOG.error("{} stopped", name, e);
    } finally {
      consumer.close();
    }
  }

  private void pause() {
    try {
      Thread.sleep(retry.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  @Override
  public void close() {
    running = false;
    if (thread.getState() == Thread.State.NEW) {
      consumer.close(); // never started: no thread will close it
      return;
    }
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
