/** TokenGuard's agent: premain, configuration, endpoint catalog, guard engine, instrumentation, telemetry. */
package io.tokenguard.agent;
