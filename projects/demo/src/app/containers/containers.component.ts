import { HttpErrorResponse } from '@angular/common/http';
import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  OnInit,
  inject,
  signal,
} from '@angular/core';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { NotificationService, coalesceNotifications } from '@changefeed/angular';
import { Observable, Subject, catchError, of, switchMap, tap } from 'rxjs';
import { DemoApi } from '../api/demo-api';
import { errorMessage } from '../api/error-message';
import { Container } from '../api/models';
import { AutofocusDirective } from '../autofocus.directive';
import { DemoState } from '../demo-state';

/** Quiet time that ends a burst of notifications: a burst costs two refetches, not hundreds. */
export const COALESCE_MS = 250;

/** Containers: list, create, rename, delete (with a cascade offer when forums are left). */
@Component({
  selector: 'app-containers',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [AutofocusDirective],
  templateUrl: './containers.component.html',
})
export class ContainersComponent implements OnInit {
  private readonly api = inject(DemoApi);
  private readonly notifications = inject(NotificationService);
  private readonly destroyRef = inject(DestroyRef);
  private readonly refresh = new Subject<void>();
  protected readonly state = inject(DemoState);

  protected readonly loadError = signal<string | null>(null);
  protected readonly actionError = signal<string | null>(null);
  protected readonly editingId = signal<number | null>(null);
  /** A delete the server refused with 409: offer to delete the forums too. */
  protected readonly confirmCascade = signal<Container | null>(null);
  protected readonly fetches = signal(0);

  ngOnInit(): void {
    // switchMap: a newer refetch supersedes an older one, so a slow answer never overwrites a fresh one.
    this.refresh
      .pipe(
        switchMap(() => {
          this.fetches.update((n) => n + 1);
          return this.api.containers().pipe(
            tap(() => this.loadError.set(null)),
            catchError((error: unknown) => {
              this.loadError.set(errorMessage(error));
              return of(null);
            }),
          );
        }),
        takeUntilDestroyed(this.destroyRef),
      )
      .subscribe((containers) => {
        if (containers) this.state.containers.set(containers);
      });

    this.update();
    this.notifications
      .filterByCollection('containers', 'forums')
      .pipe(coalesceNotifications(COALESCE_MS), takeUntilDestroyed(this.destroyRef))
      .subscribe(() => this.update());
  }

  /** Refetches the list. Called at start and whenever containers or forums change anywhere. */
  update(): void {
    this.refresh.next();
  }

  protected select(id: number | null): void {
    this.state.selectedContainerId.set(id);
  }

  protected create(event: Event, input: HTMLInputElement): void {
    event.preventDefault();
    this.run(this.api.createContainer(input.value), () => {
      input.value = '';
      input.focus();
    });
  }

  protected rename(event: Event, container: Container, input: HTMLInputElement): void {
    event.preventDefault();
    this.run(this.api.renameContainer(container.id, input.value), () => this.editingId.set(null));
  }

  protected startEditing(id: number): void {
    this.actionError.set(null);
    this.editingId.set(id);
  }

  protected remove(container: Container, cascade = false): void {
    this.confirmCascade.set(null);
    this.run(
      this.api.deleteContainer(container.id, cascade),
      () => {
        if (this.state.selectedContainerId() === container.id) this.select(null);
      },
      (error) => {
        if (error instanceof HttpErrorResponse && error.status === 409) {
          this.confirmCascade.set(container);
          return true;
        }
        return false;
      },
    );
  }

  /**
   * Runs a write. Its notification brings the new state to every window, this one included;
   * only while the socket is not open does this window refetch by itself.
   */
  private run<T>(
    write: Observable<T>,
    done: () => void,
    handled: (error: unknown) => boolean = () => false,
  ): void {
    this.actionError.set(null);
    write.subscribe({
      next: () => {
        done();
        if (this.notifications.state() !== 'open') this.update();
      },
      error: (error: unknown) => {
        if (!handled(error)) this.actionError.set(errorMessage(error));
      },
    });
  }
}
