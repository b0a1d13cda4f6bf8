package org.mniststream.registry;

import io.apicurio.common.apps.config.DynamicConfigPropertyList;
import java.util.ArrayList;
import javax.enterprise.context.ApplicationScoped;
import javax.enterprise.inject.Produces;

/**
 * Stands in for the build step of {@code apicurio-common-app-components-config-index-deployment},
 * which is not published: without a {@link DynamicConfigPropertyList} bean the Quarkus build fails
 * with an unsatisfied dependency. The registry's runtime-editable config index is therefore empty;
 * the tests and the demo edit no registry config at runtime.
 */
@ApplicationScoped
public class EmptyDynamicConfigPropertyListProducer {
  @Produces
  @ApplicationScoped
  public DynamicConfigPropertyList dynamicConfigPropertyList() {
    return new DynamicConfigPropertyList(new ArrayList<>());
  }
}
