import type { ChecksumFile, DigestAlgorithm } from '../formats/checksum-file.js';
import type { GitTreeEntry } from '../formats/git-tree.js';
import type { ArtifactKind, DownloadChannel } from '../model/check.js';
import type { Signer } from './signature.js';

/** What the rules are handed: evidence gathered by the run from the sources, never fetched by a rule. */

export type SignedDigests = Partial<Record<DigestAlgorithm, string>>;

export interface ListedArtifact {
  kind: ArtifactKind;
  filename: string;
  digests: SignedDigests;
}

/** The checksum file after its signature verified: the only source of expected digests. */
export interface SignedChecksums {
  file: ChecksumFile;
  signers: Signer[];
  url: string;
  artifacts: ListedArtifact[];
  /** True when the file offers SHA-256; false when only MD5/SHA-1 are signed. */
  strong: boolean;
}

/** A file's bytes as hashed on arrival: SHA-256 always, SHA-1 and MD5 when an era signed only those. */
export interface HashedFile {
  sha256: string;
  sha1?: string;
  md5?: string;
  size: number;
  /** Where the bytes came from in the end (after redirects), or the local path. */
  finalUrl: string;
  /** True when --offline re-read the copy an earlier run downloaded. */
  fromCache: boolean;
  fetchedAt: string;
}

/** An artifact as one channel served it, downloaded and hashed. */
export interface DownloadedCopy<File extends HashedFile = HashedFile> {
  channel: DownloadChannel;
  kind: ArtifactKind;
  filename: string;
  file: File;
}

/** The tag's commit and tree, as git fetched them: the git side of the content comparison. */
export interface GitEvidence {
  tag: string;
  commit: string;
  /** The tagger's date (Unix seconds), which the tag's signature covers. */
  taggedAt: number;
  entries: GitTreeEntry[];
  /** The blobs the content rules read first (the build's declarations, README, license files, symlink targets), by blob id. */
  declaringBlobs(): Promise<Map<string, Buffer>>;
  readBlobs(oids: readonly string[]): Promise<Map<string, Buffer>>;
}
