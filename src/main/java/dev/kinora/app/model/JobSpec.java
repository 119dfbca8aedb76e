package dev.kinora.app.model;

import java.util.List;

/** What a render-queue job will generate, resolved when it was queued (seed included) so a retry makes the same clip. */
public record JobSpec(String shotId, String prompt, String negativePrompt, GenSettings settings, long seed,
                      List<SourceRef> sources) {
    public JobSpec {
        prompt = prompt == null ? "" : prompt;
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        sources = List.copyOf(sources == null ? List.of() : sources);
    }

    public String label() {
        String p = prompt.isBlank() ? "(no prompt)" : prompt;
        return settings.mode().id() + " · " + (p.length() > 48 ? p.substring(0, 47) + "…" : p);
    }
}
