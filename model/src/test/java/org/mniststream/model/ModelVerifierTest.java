package org.mniststream.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mniststream.model.ModelRejectedException.Reason;
import org.mniststream.schemas.ModelVersion;

class ModelVerifierTest {
  private static final ModelVersion GOOD =
      ModelVersions.untrained("mnist", 1, Architecture.MLP_V1, 11);
  private final ModelVerifier open = new ModelVerifier(List.of());

  @Test
  void shouldLoadAValidVersion() throws Exception {
    try (LoadedModel model = open.verifyAndLoad(GOOD)) {
      assertThat(model.version()).isEqualTo(1);
    }
  }

  @Test
  void shouldRefuseParametersThatDoNotMatchTheirHash() {
    ModelVersion v = ModelVersion.newBuilder(GOOD).setParametersSha256("00".repeat(32)).build();
    assertRefused(open, v, Reason.SHA256_MISMATCH);
  }

  @Test
  void shouldRefuseCorruptParametersWithAMatchingHash() {
    byte[] corrupt = new byte[1000];
    ModelVersion v =
        ModelVersion.newBuilder(GOOD)
            .setParameters(ByteBuffer.wrap(corrupt))
            .setParametersSha256(Sha256.hex(corrupt))
            .build();
    assertRefused(open, v, Reason.CORRUPT_PARAMETERS);
  }

  @Test
  void shouldRefuseParametersOfAnotherArchitecture() {
    ModelVersion v = ModelVersion.newBuilder(GOOD).setArchitecture("cnn-v1").build();
    assertRefused(open, v, Reason.CORRUPT_PARAMETERS);
  }

  @Test
  void shouldRefuseAnUnknownArchitecture() {
    assertRefused(
        open,
        ModelVersion.newBuilder(GOOD).setArchitecture("resnet-50").build(),
        Reason.UNKNOWN_ARCHITECTURE);
  }

  @Test
  void shouldRefuseAnInputContractItCannotHonour() {
    ModelVersion v =
        ModelVersion.newBuilder(GOOD)
            .setInputContract(InputContracts.standardized(0.1f, 0f))
            .build();
    assertRefused(open, v, Reason.BAD_INPUT_CONTRACT);
  }

  @Test
  void shouldRefuseAModelThatYieldsNaN() {
    // a NaN mean survives every contract check that looks at ranges, and poisons every input
    ModelVersion v =
        ModelVersion.newBuilder(GOOD)
            .setInputContract(InputContracts.standardized(0f, Float.MIN_VALUE))
            .build();
    assertRefused(open, v, Reason.SMOKE_TEST_FAILED);
  }

  @Test
  void shouldRequireAValidSignatureWhenKeysAreTrusted() throws Exception {
    KeyPair trusted = ModelSigning.generateKeyPair();
    KeyPair other = ModelSigning.generateKeyPair();
    ModelVerifier strict = new ModelVerifier(List.of(trusted.getPublic()));

    assertRefused(strict, GOOD, Reason.UNSIGNED);

    ModelVersion wronglySigned = ModelVersion.newBuilder(GOOD).build();
    ModelSigning.sign(wronglySigned, other);
    assertRefused(strict, wronglySigned, Reason.BAD_SIGNATURE);

    ModelVersion signed = ModelVersion.newBuilder(GOOD).build();
    ModelSigning.sign(signed, trusted);
    try (LoadedModel model = strict.verifyAndLoad(signed)) {
      assertThat(model.version()).isEqualTo(1);
    }

    ModelVersion relabelled = ModelVersion.newBuilder(signed).setVersion(99).build();
    assertRefused(strict, relabelled, Reason.BAD_SIGNATURE);
  }

  private static void assertRefused(ModelVerifier verifier, ModelVersion v, Reason reason) {
    assertThatThrownBy(() -> verifier.verifyAndLoad(v))
        .isInstanceOfSatisfying(
            ModelRejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }
}
