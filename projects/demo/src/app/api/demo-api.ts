import { HttpClient } from '@angular/common/http';
import { Injectable, inject } from '@angular/core';
import { Observable } from 'rxjs';
import { BurstResult, Container, Forum } from './models';

/** The demo's REST endpoints (projects/demo-api). Views never cache: notifications tell them to refetch. */
@Injectable({ providedIn: 'root' })
export class DemoApi {
  private readonly http = inject(HttpClient);

  containers(): Observable<Container[]> {
    return this.http.get<Container[]>('/api/containers');
  }

  createContainer(name: string): Observable<Container> {
    return this.http.post<Container>('/api/containers', { name });
  }

  renameContainer(id: number, name: string): Observable<Container> {
    return this.http.patch<Container>(`/api/containers/${id}`, { name });
  }

  /** `cascade` also deletes the container's forums; without it a non-empty container answers 409. */
  deleteContainer(id: number, cascade = false): Observable<void> {
    return this.http.delete<void>(
      `/api/containers/${id}`,
      cascade ? { params: { cascade: 'true' } } : {},
    );
  }

  forums(containerId: number | null): Observable<Forum[]> {
    return this.http.get<Forum[]>(
      '/api/forums',
      containerId === null ? {} : { params: { containerId } },
    );
  }

  forum(id: number): Observable<Forum> {
    return this.http.get<Forum>(`/api/forums/${id}`);
  }

  createForum(name: string, containerId: number): Observable<Forum> {
    return this.http.post<Forum>('/api/forums', { name, containerId });
  }

  updateForum(id: number, changes: { name?: string; containerId?: number }): Observable<Forum> {
    return this.http.patch<Forum>(`/api/forums/${id}`, changes);
  }

  deleteForum(id: number): Observable<void> {
    return this.http.delete<void>(`/api/forums/${id}`);
  }

  /** Makes the server insert `count` forums in ONE transaction: one burst of notifications. */
  burst(containerId: number, count = 500): Observable<BurstResult> {
    return this.http.post<BurstResult>('/api/forums/burst', { containerId, count });
  }
}
