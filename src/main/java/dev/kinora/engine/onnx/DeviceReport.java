package dev.kinora.engine.onnx;

/** What was asked for, what is used, and why they differ when they do. */
public record DeviceReport(Device requested, Device used, String reason) {
    public String describe() {
        return reason.isEmpty() ? used.id() : used.id() + " (" + reason + ")";
    }
}
