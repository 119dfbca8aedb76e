/**
 * Denoising schedulers: pure Java, one class per algorithm, registered in {@link dev.kinora.engine.scheduler.SchedulerKind}.
 *
 * <p>Conventions shared by every class here:
 * <ul>
 *   <li>Work is indexed by <em>model call</em>, not by step: Heun makes two calls per step, so a pipeline loops
 *       {@code k < timesteps().length} and never needs to know which sampler it drives.</li>
 *   <li>Flow (rectified flow, diffusers FlowMatchEulerDiscrete): {@code x = (1 - sigma)*x0 + sigma*noise}, sigma from 1 to
 *       0, velocity {@code noise - x0}, model timestep {@code sigma * timestepScale}.</li>
 *   <li>DDPM packs: DDIM keeps variance-preserving samples {@code sqrt(alphaBar)*x0 + sqrt(1-alphaBar)*noise}; Euler keeps
 *       variance-exploding ones {@code x0 + sigma*noise}. Both report {@code sigma = sqrt((1-alphaBar)/alphaBar)}.</li>
 *   <li>Remix (strength below 1) keeps the last {@code ceil(n*strength)} steps of the n-step schedule, and
 *       {@code addNoise(x0, noise, 0)} is the starting sample.</li>
 *   <li>Noise levels are computed in double and exposed as float, so rounding does not accumulate across steps.</li>
 *   <li>A diffusers {@code scheduler_config.json} is read verbatim by {@link dev.kinora.engine.scheduler.DiffusersConfig}
 *       and run by {@link dev.kinora.engine.scheduler.DiffusersSchedulers} exactly as diffusers runs it (timesteps, sigmas,
 *       steps; golden-tested); {@link dev.kinora.engine.scheduler.SchedulerKind} samplers built from a
 *       {@link dev.kinora.engine.scheduler.SchedulerConfig} keep Kinora's own spacing.</li>
 * </ul>
 */
package dev.kinora.engine.scheduler;
