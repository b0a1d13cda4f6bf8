package org.mniststream.cli;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import org.mniststream.schemas.AvroSerde;
import org.mniststream.schemas.ContractSerdes;
import org.mniststream.schemas.ImageEvent;
import org.mniststream.schemas.PixelEncoding;
import org.mniststream.trainer.data.DatasetFiles;
import org.mniststream.trainer.data.IdxDataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Writes MNIST test images as ready-to-send {@code ImageEvent} values (Avro single-object
 * encoding), one file each, so any Kafka client (kcat, a script) can produce them: {@code kcat -P
 * -t mnist.image-events -k KEY FILE} sends a file as one record.
 */
@Command(
    name = "sample-events",
    mixinStandardHelpOptions = true,
    description = "Write MNIST test images as ImageEvent files for other Kafka clients (kcat).")
final class SampleEventsCommand implements Callable<Integer> {
  @Mixin RunOptions.Data data;

  @Option(names = "--out", required = true, description = "Directory to write <eventId>.avro into.")
  Path out;

  @Option(names = "--count", description = "How many images (default: ${DEFAULT-VALUE}).")
  int count = 10;

  @Option(names = "--prefix", description = "Event id prefix (default: ${DEFAULT-VALUE}).")
  String prefix = "kcat";

  @Override
  public Integer call() throws Exception {
    DatasetFiles files = data.files();
    IdxDataset test = files.loadTest();
    Files.createDirectories(out);
    AvroSerde<ImageEvent> serde = ContractSerdes.imageEvent();
    for (int i = 0; i < Math.min(count, test.count()); i++) {
      String id = prefix + "-" + i;
      ImageEvent event =
          ImageEvent.newBuilder()
              .setEventId(id)
              .setSource("sample-events")
              .setEventTime(Instant.now())
              .setHeight(test.rows())
              .setWidth(test.cols())
              .setEncoding(PixelEncoding.RAW_GRAY8)
              .setPixels(ByteBuffer.wrap(test.pixelsOf(i)))
              .setLabel(test.label(i))
              .setAttributes(Map.of())
              .build();
      Files.write(out.resolve(id + ".avro"), serde.encode(event));
    }
    System.out.println("wrote " + Math.min(count, test.count()) + " events to " + out);
    return 0;
  }
}
