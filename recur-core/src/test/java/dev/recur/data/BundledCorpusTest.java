package dev.recur.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BundledCorpusTest {

    @Test
    void tinyShakespeareMatchesTheReferenceFigures() {
        TextCorpus corpus = BundledCorpus.tinyShakespeare();
        assertEquals(BundledCorpus.TINY_SHAKESPEARE_SHA256, corpus.sha256());
        assertEquals("classpath:/dev/recur/data/tinyshakespeare.txt", corpus.source());
        assertEquals(1_115_394, corpus.byteLength());
        assertEquals(1_115_394, corpus.length());
        Vocabulary vocab = corpus.vocabulary();
        assertEquals(65, vocab.size()); // the reference's V
        assertEquals('\n', vocab.codePoint(0));
        assertEquals('z', vocab.codePoint(64));

        CorpusSplit split = CorpusSplit.of(corpus.encode(vocab));
        assertEquals(1_003_854, split.trainLength()); // the reference's train_chars
        assertEquals(111_540, split.validationLength()); // val_chars

        // The reference's default shape: --batch 32 --seq 100.
        StreamBatcher train = StreamBatcher.of(split.train(), 32, 100);
        assertEquals(31_370, train.streamLength()); // (1003854 - 1) // 32
        assertEquals(313, train.chunksPerEpoch());  // (31370 - 1) // 100
        ValidationStreams val = ValidationStreams.of(split.validation(), 32, 100);
        assertEquals(3_485, val.streamLength());    // (111540 - 1) // 32
        assertEquals(35, val.chunkCount());         // range(0, 3485, 100)
        assertEquals(85, val.chunk(34).steps());
        assertEquals(111_520, val.predictionCount());

        Chunk first = train.nextChunk();
        assertEquals("First Citizen", vocab.decode(java.util.Arrays.copyOf(column(first, 0), 13)));
    }

    private static int[] column(Chunk c, int b) {
        int[] out = new int[c.steps()];
        for (int t = 0; t < c.steps(); t++) {
            out[t] = c.input(t, b);
        }
        return out;
    }
}
