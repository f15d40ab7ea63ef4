/**
 * An in-process identity provider that answers like the two real ones TokenGuard was built for:
 * Eloqua's one-initiation-per-minute password grant (429 + Retry-After) and Twitter's app-only
 * bearer endpoint that silently locks a consumer out with a misleading 403 code 99.
 */
package io.tokenguard.sample.idp;
