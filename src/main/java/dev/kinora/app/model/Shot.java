package dev.kinora.app.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A card on the storyboard: its prompt, its length on the timeline and every take generated for it.
 * {@code continueFromPrevious} makes the next generation extend the previous shot's active take, so
 * the reel plays as one continuous piece. {@code trimStart} skips frames of the take (split shots).
 */
public record Shot(
        String id,
        String prompt,
        String negativePrompt,
        int durationFrames,
        int trimStart,
        boolean continueFromPrevious,
        List<Take> takes,
        String activeTake) {

    public Shot {
        prompt = prompt == null ? "" : prompt;
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        takes = List.copyOf(takes == null ? List.of() : takes);
        activeTake = activeTake == null ? "" : activeTake;
        if (durationFrames < 1) {
            durationFrames = 1;
        }
        if (trimStart < 0) {
            trimStart = 0;
        }
    }

    public static Shot empty(String id, int frames) {
        return new Shot(id, "", "", frames, 0, false, List.of(), "");
    }

    public Optional<Take> active() {
        return takes.stream().filter(t -> t.id().equals(activeTake)).findFirst()
                .or(() -> takes.isEmpty() ? Optional.empty() : Optional.of(takes.get(takes.size() - 1)));
    }

    public Optional<Take> take(String takeId) {
        return takes.stream().filter(t -> t.id().equals(takeId)).findFirst();
    }

    public Shot withPrompt(String p, String negative) {
        return new Shot(id, p, negative, durationFrames, trimStart, continueFromPrevious, takes, activeTake);
    }

    public Shot withDuration(int frames) {
        return new Shot(id, prompt, negativePrompt, frames, trimStart, continueFromPrevious, takes, activeTake);
    }

    /** Skips the first frames of the takes: what the second half of a split shot shows. */
    public Shot withTrim(int start, int frames) {
        return new Shot(id, prompt, negativePrompt, frames, start, continueFromPrevious, takes, activeTake);
    }

    public Shot withContinue(boolean c) {
        return new Shot(id, prompt, negativePrompt, durationFrames, trimStart, c, takes, activeTake);
    }

    public Shot withActive(String takeId) {
        return new Shot(id, prompt, negativePrompt, durationFrames, trimStart, continueFromPrevious, takes, takeId);
    }

    public Shot withId(String newId) {
        return new Shot(newId, prompt, negativePrompt, durationFrames, trimStart, continueFromPrevious, takes, activeTake);
    }

    public Shot withTakes(List<Take> t, String active) {
        return new Shot(id, prompt, negativePrompt, durationFrames, trimStart, continueFromPrevious, t, active);
    }

    /** A new take becomes the active one and sets the card's length, as the artist just asked for it. */
    public Shot plusTake(Take t) {
        List<Take> all = new ArrayList<>(takes);
        all.add(t);
        return new Shot(id, prompt, negativePrompt, t.frames(), 0, continueFromPrevious, all, t.id());
    }
}
