/** A container as demo-api returns it (`GET /api/containers`). */
export interface Container {
  id: number;
  name: string;
  forumCount: number;
  createdAt: string;
}

/** A forum as demo-api returns it (`GET /api/forums`). */
export interface Forum {
  id: number;
  name: string;
  containerId: number;
  createdAt: string;
}

/** `POST /api/forums/burst` answer. */
export interface BurstResult {
  containerId: number;
  inserted: number;
}
