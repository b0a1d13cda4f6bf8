package org.mniststream.model;

import ai.djl.MalformedModelException;
import java.security.PublicKey;
import java.util.List;
import org.mniststream.model.ModelRejectedException.Reason;
import org.mniststream.schemas.AvroBytes;
import org.mniststream.schemas.ModelVersion;

/**
 * Decides whether a model version that came from outside the process may serve: SHA-256 of the
 * parameters, a known architecture, an input contract this code can honour, a valid signature when
 * trusted keys are configured, parameters that load into the network, and a smoke inference that
 * gives finite probabilities summing to 1. Returns the loaded model, or refuses with the reason.
 */
public final class ModelVerifier {
  private final List<PublicKey> trustedKeys;

  /** With no trusted keys, signatures are not required (and not checked). */
  public ModelVerifier(List<PublicKey> trustedKeys) {
    this.trustedKeys = List.copyOf(trustedKeys);
  }

  public boolean requiresSignature() {
    return !trustedKeys.isEmpty();
  }

  /**
   * The id of the trusted key whose signature verifies {@code v} (not the id the version declares,
   * which its signature does not cover); empty when no trusted key verifies it, or none is
   * configured.
   */
  public java.util.Optional<String> signerKeyId(ModelVersion v) {
    return ModelSigning.verifiedBy(v, trustedKeys).map(ModelSigning::keyId);
  }

  public LoadedModel verifyAndLoad(ModelVersion v) throws ModelRejectedException {
    byte[] parameters = AvroBytes.copyOf(v.getParameters());
    String actual = Sha256.hex(parameters);
    if (!actual.equalsIgnoreCase(v.getParametersSha256())) {
      throw new ModelRejectedException(
          Reason.SHA256_MISMATCH,
          "parameters hash to " + actual + " but the version declares " + v.getParametersSha256());
    }
    Architecture architecture =
        Architecture.byId(v.getArchitecture())
            .orElseThrow(
                () ->
                    new ModelRejectedException(
                        Reason.UNKNOWN_ARCHITECTURE,
                        "architecture '" + v.getArchitecture() + "' is not one of cnn-v1, mlp-v1"));
    List<String> contractProblems = InputContracts.problems(v.getInputContract());
    if (!contractProblems.isEmpty()) {
      throw new ModelRejectedException(
          Reason.BAD_INPUT_CONTRACT, String.join("; ", contractProblems));
    }
    if (requiresSignature()) {
      if (v.getSignature() == null) {
        throw new ModelRejectedException(
            Reason.UNSIGNED, "this app requires signed models and the version has no signature");
      }
      if (ModelSigning.verifiedBy(v, trustedKeys).isEmpty()) {
        throw new ModelRejectedException(
            Reason.BAD_SIGNATURE,
            "signature (key id " + v.getSigningKeyId() + ") is not valid for any trusted key");
      }
    }
    LoadedModel loaded;
    try {
      loaded = LoadedModel.load(v, architecture);
    } catch (MalformedModelException e) {
      throw new ModelRejectedException(Reason.CORRUPT_PARAMETERS, e.getMessage(), e);
    }
    try {
      smokeTest(loaded);
      return loaded;
    } catch (ModelRejectedException | RuntimeException e) {
      loaded.close();
      if (e instanceof ModelRejectedException rejected) {
        throw rejected;
      }
      throw new ModelRejectedException(
          Reason.SMOKE_TEST_FAILED, "inference failed: " + e.getMessage(), e);
    }
  }

  /** A blank field and a vertical stroke (a '1'): finite probabilities that sum to 1 for both. */
  private static void smokeTest(LoadedModel model) throws ModelRejectedException {
    InputNormalizer normalizer = model.normalizer();
    int pixels = normalizer.pixelsPerImage();
    int side = model.inputContract().getWidth();
    byte[] images = new byte[2 * pixels];
    for (int y = 4; y < side - 4; y++) {
      images[pixels + y * side + side / 2] = (byte) 255;
      images[pixels + y * side + side / 2 + 1] = (byte) 200;
    }
    float[] probabilities = model.predict(normalizer.normalizeAll(images, 0, 2), 2);
    for (int image = 0; image < 2; image++) {
      double sum = 0;
      for (int k = 0; k < Architecture.CLASSES; k++) {
        float p = probabilities[image * Architecture.CLASSES + k];
        if (!Float.isFinite(p) || p < 0f) {
          throw new ModelRejectedException(
              Reason.SMOKE_TEST_FAILED, "smoke inference gave probability " + p);
        }
        sum += p;
      }
      if (Math.abs(sum - 1.0) > 1e-3) {
        throw new ModelRejectedException(
            Reason.SMOKE_TEST_FAILED, "smoke inference probabilities sum to " + sum);
      }
    }
  }
}
