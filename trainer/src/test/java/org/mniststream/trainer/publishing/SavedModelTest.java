package org.mniststream.trainer.publishing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mniststream.model.Architecture;
import org.mniststream.model.ModelVersions;
import org.mniststream.schemas.AvroBytes;
import org.mniststream.schemas.ModelVersion;
import org.mniststream.trainer.data.DataUnavailableException;
import org.mniststream.trainer.training.MnistTrainer;
import org.mniststream.trainer.training.SubsetModels;
import org.mniststream.trainer.training.TrainingData;

class SavedModelTest {
  @TempDir Path dir;

  @Test
  void shouldRoundTripAVersionAndItsParametersThroughADirectory() throws Exception {
    ModelVersion version = ModelVersions.untrained("mnist", 3, Architecture.MLP_V1, 11L);
    // the schema stores milliseconds
    version.setCreatedAt(version.getCreatedAt().truncatedTo(ChronoUnit.MILLIS));

    SavedModel.save(dir, version);
    ModelVersion loaded = SavedModel.load(dir);

    assertThat(loaded).isEqualTo(version);
    assertThat(Files.readAllBytes(dir.resolve(SavedModel.PARAMETERS_FILE)))
        .isEqualTo(AvroBytes.copyOf(version.getParameters()));
    assertThat(Files.size(dir.resolve(SavedModel.VERSION_FILE))).isLessThan(10_000);
    // the loaded parameters classify exactly like the saved ones
    TrainingData subset = SubsetModels.subsetData();
    assertThat(MnistTrainer.evaluate(loaded, subset.test()))
        .isEqualTo(MnistTrainer.evaluate(version, subset.test()));
  }

  @Test
  void shouldRefuseParametersThatDoNotMatchTheirHash() throws Exception {
    SavedModel.save(dir, ModelVersions.untrained("mnist", 1, Architecture.MLP_V1, 1L));
    byte[] parameters = Files.readAllBytes(dir.resolve(SavedModel.PARAMETERS_FILE));
    parameters[parameters.length - 1] ^= 1;
    Files.write(dir.resolve(SavedModel.PARAMETERS_FILE), parameters);

    assertThatThrownBy(() -> SavedModel.load(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("hashes to");
  }

  @Test
  void shouldSayWhatIsMissingFromADirectoryThatIsNotASavedModel() {
    assertThatThrownBy(() -> SavedModel.load(dir))
        .isInstanceOf(DataUnavailableException.class)
        .hasMessageContaining(SavedModel.VERSION_FILE);
  }
}
