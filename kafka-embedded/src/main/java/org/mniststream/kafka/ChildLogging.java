package org.mniststream.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Logging configs for the broker's JVM. Kafka logs through SLF4J; whichever backend the shared
 * classpath brings (logback in this project's tests, log4j2 via a bridge elsewhere) gets an
 * explicit config that writes to stdout, which the parent redirects into the broker's log file.
 * Without any SLF4J provider on the classpath the broker logs nothing but still runs.
 */
final class ChildLogging {

  /**
   * INFO shows the lifecycle (started, recovered, shut down) that explains a failed start; the
   * config dumps, hundreds of lines each and repeated, stay out: server.properties is next to the
   * log.
   */
  private static final String LOGBACK =
      """
      <configuration>
        <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
          <encoder>
            <pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern>
          </encoder>
        </appender>
        <logger name="org.apache.kafka.common.config.AbstractConfig" level="WARN"/>
        <root level="INFO">
          <appender-ref ref="STDOUT"/>
        </root>
      </configuration>
      """;

  private static final String LOG4J2 =
      """
      status = warn
      appender.stdout.type = Console
      appender.stdout.name = STDOUT
      appender.stdout.layout.type = PatternLayout
      appender.stdout.layout.pattern = %d{HH:mm:ss.SSS} %-5p [%t] %c{1.} - %m%n
      logger.config.name = org.apache.kafka.common.config.AbstractConfig
      logger.config.level = warn
      rootLogger.level = info
      rootLogger.appenderRef.stdout.ref = STDOUT
      """;

  private ChildLogging() {}

  static void writeLogbackConfig(Path file) throws IOException {
    Files.writeString(file, LOGBACK, StandardCharsets.UTF_8);
  }

  static void writeLog4j2Config(Path file) throws IOException {
    Files.writeString(file, LOG4J2, StandardCharsets.UTF_8);
  }
}
