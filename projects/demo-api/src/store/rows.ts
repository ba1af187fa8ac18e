/** A container as the API returns it. */
export interface Container {
  id: number;
  name: string;
  /** How many forums it holds, so the UI can warn before a cascade delete. */
  forumCount: number;
  createdAt: string;
}

/** A forum as the API returns it. */
export interface Forum {
  id: number;
  name: string;
  containerId: number;
  createdAt: string;
}
