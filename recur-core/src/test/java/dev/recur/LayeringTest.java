package dev.recur;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The package layering of recur-core ({@code docs/design/models.md}): each layer uses only those
 * below it, so the mathematics knows nothing of files or training, and training nothing of the
 * model kinds built on it. Checked on the compiled classes (ArchUnit).
 */
class LayeringTest {

    /** Bottom to top: a layer may use the layers before it in this list, never those after it. */
    private static final List<String[]> LAYERS = List.of(
            new String[] {"tensor", "dev.recur.tensor.."},
            new String[] {"nn", "dev.recur.nn", "dev.recur.nn.loss.."},
            new String[] {"recurrent", "dev.recur.nn.recurrent.."},
            new String[] {"sequence", "dev.recur.nn.sequence.."},
            new String[] {"optim", "dev.recur.optim.."},
            new String[] {"io", "dev.recur.io.."},
            new String[] {"data", "dev.recur.data.."},
            new String[] {"model", "dev.recur.model.."},
            new String[] {"train", "dev.recur.train.."},
            new String[] {"checkpoint", "dev.recur.checkpoint.."},
            new String[] {"kinds", "dev.recur.charlm..", "dev.recur.tasks..", "dev.recur.diagnostics..",
                    "dev.recur.bench..", "dev.recur.classify..", "dev.recur.forecast.."});

    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.recur");

    @Test
    void eachLayerUsesOnlyTheLayersBelowIt() {
        LayeredArchitecture architecture = layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (String[] layer : LAYERS) {
            architecture = architecture.layer(layer[0]).definedBy(java.util.Arrays.copyOfRange(layer, 1, layer.length));
        }
        for (int i = 0; i < LAYERS.size() - 1; i++) {
            List<String> above = new ArrayList<>();
            for (int j = i + 1; j < LAYERS.size(); j++) {
                above.add(LAYERS.get(j)[0]);
            }
            architecture = architecture.whereLayer(LAYERS.get(i)[0]).mayOnlyBeAccessedByLayers(above.toArray(String[]::new));
        }
        architecture = architecture.whereLayer("kinds").mayNotBeAccessedByAnyLayer();
        architecture.check(CORE);
    }

    @Test
    void theLibraryNeverPrints() {
        NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS.check(CORE);
    }
}
