package dev.kinora.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {
    @Test
    void medianOfAnOddCountIsTheMiddleValue() {
        Stats s = Stats.of(5.0, 1.0, 3.0);
        assertEquals(3.0, s.median());
        assertEquals(1.0, s.min());
        assertEquals(5.0, s.max());
        assertEquals(3.0, s.mean(), 1e-12);
        assertEquals(3, s.n());
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertEquals(2.5, Stats.of(List.of(4, 1, 2, 3)).median());
    }

    @Test
    void oneSlowRunDoesNotMoveTheMedian() {
        assertEquals(1.0, Stats.of(1.0, 1.0, 1.0, 1.0, 50.0).median());
    }

    @Test
    void dividingKeepsTheOrderAndScalesEveryFigure() {
        Stats per = Stats.of(2.0, 4.0, 6.0).dividedBy(2.0);
        assertEquals(2.0, per.median());
        assertEquals(1.0, per.min());
        assertEquals(3.0, per.max());
        assertEquals(2.0 / 2.0, Stats.of(2.0, 4.0, 6.0).spread(), 1e-12);
    }

    @Test
    void formatShowsTheMedianWithItsRange() {
        assertEquals("2.00 (1.00–3.00)", Stats.of(1.0, 2.0, 3.0).format(2));
        assertEquals("2.0", Stats.of(2.0).format(1));
        assertEquals("–", Stats.of().format(1));
        assertTrue(Double.isNaN(Stats.of().median()));
    }
}
