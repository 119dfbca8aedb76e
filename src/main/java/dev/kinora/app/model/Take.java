package dev.kinora.app.model;

/**
 * One generation kept in a shot: its frames live in the project's media/ folder as a film strip
 * (see {@link TakeMedia}); the fields here are what the card, the player and "reuse seed" need
 * without decoding anything.
 */
public record Take(
        String id,
        String file,
        String prompt,
        String mode,
        long seed,
        int steps,
        int frames,
        double fps,
        int width,
        int height,
        boolean complete,
        String device,
        String created) {

    public double seconds() {
        return fps > 0 ? frames / fps : 0;
    }
}
